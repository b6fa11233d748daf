import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { TestPause } from '../config';
import { checkpointOnce } from './checkpointOnce';

/**
 * `catalog:register:idempotent`: upstream `catalog:register` with a checkpoint, for templates that restart
 * (`EXPERIMENTAL_recovery: startOver`). A re-run neither registers the location twice nor fails on the conflict
 * the first run left behind: an existing location with the same target counts as done.
 */
export function createRegisterIdempotentAction(
  catalog: CatalogService,
  testPause?: TestPause,
) {
  return createTemplateAction({
    id: 'catalog:register:idempotent',
    description:
      'Registers a catalog-info.yaml URL in the catalog once, even when the task is restarted',
    schema: {
      input: {
        catalogInfoUrl: z => z.string().url(),
      },
      output: {
        entityRef: z => z.string().optional(),
        catalogInfoUrl: z => z.string(),
      },
    },
    async handler(ctx) {
      const { catalogInfoUrl } = ctx.input;
      const credentials = await ctx.getInitiatorCredentials();
      const { value: entityRef, reused } = await checkpointOnce(
        ctx,
        {
          key: `catalog-register.${catalogInfoUrl}`,
          action: 'catalog:register:idempotent',
          fn: async () => {
            // Read and validate first (a dry run writes nothing), so a bad catalog-info.yaml leaves no location behind.
            const { entities } = await catalog
              .addLocation(
                { type: 'url', target: catalogInfoUrl, dryRun: true },
                { credentials },
              )
              .catch(error => {
                // Say what the catalog objected to, not just "400 Bad Request".
                const reason = error?.body?.error?.message ?? String(error);
                throw new InputError(
                  `The catalog refused ${catalogInfoUrl}: ${reason}`,
                );
              });
            const existing = (
              await catalog.getLocations({}, { credentials })
            ).items.find(l => l.type === 'url' && l.target === catalogInfoUrl);
            if (existing) {
              ctx.logger.info(
                `${catalogInfoUrl} is already registered (location ${existing.id})`,
              );
            } else {
              await catalog.addLocation(
                { type: 'url', target: catalogInfoUrl },
                { credentials },
              );
            }
            const main =
              entities.find(
                e =>
                  e.kind === 'Component' &&
                  !e.metadata.name.startsWith('generated-'),
              ) ??
              entities.find(e => !e.metadata.name.startsWith('generated-'));
            return main ? stringifyEntityRef(main) : null;
          },
        },
        testPause,
      );
      if (reused) {
        ctx.logger.info(
          `${catalogInfoUrl} was registered by an earlier run of this task; not registering again`,
        );
      }
      if (entityRef) {
        await waitUntilInCatalog(catalog, entityRef, credentials, ctx.logger);
        ctx.output('entityRef', entityRef);
      }
      ctx.output('catalogInfoUrl', catalogInfoUrl);
    },
  });
}

/**
 * The catalog ingests a new location asynchronously. Wait (briefly) until the entity can be read, so the
 * "Open in catalog" link the template shows at the end leads to the entity rather than "not found".
 */
async function waitUntilInCatalog(
  catalog: CatalogService,
  entityRef: string,
  credentials: BackstageCredentials,
  logger: LoggerService,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await catalog.getEntityByRef(entityRef, { credentials })) return;
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  logger.warn(
    `${entityRef} is registered but not in the catalog yet; it will appear once processed`,
  );
}
