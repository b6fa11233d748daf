import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { OWNER_FIELDS, ownerRefOf } from '@internal/plugin-org-model-common';
import { OrgModelService } from '@internal/plugin-org-model-node';
import { ManageStore, MirroredEntity } from '../database/ManageStore';

/** The kinds a team can own and the manage page lists. */
export const OWNABLE_KINDS = [
  'Component',
  'API',
  'System',
  'Resource',
  'Domain',
];

const PAGE_SIZE = 500;

/**
 * Copies the catalog's owned entities into the plugin's table, each under its owner by the org model's rule, and
 * refreshes the org model in the same pass so the teams and what they own agree. It reads with the plugin's own
 * service credentials (the whole catalog); what a user may see is decided at read time, per request.
 */
export class CatalogMirror {
  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly org: OrgModelService,
    private readonly store: ManageStore,
    private readonly logger: LoggerService,
  ) {}

  async sync(): Promise<{ groups: number; entities: number }> {
    const org = await this.org.refresh();
    const credentials = await this.auth.getOwnServiceCredentials();
    const entities: MirroredEntity[] = [];
    for await (const entity of this.query(OWNABLE_KINDS, credentials)) {
      const ownerRef = ownerRefOf(entity);
      if (!ownerRef) continue;
      entities.push({
        entityRef: stringifyEntityRef(entity),
        kind: entity.kind,
        type: entity.spec?.type as string | undefined,
        lifecycle: entity.spec?.lifecycle as string | undefined,
        title: entity.metadata.title,
        ownerRef,
      });
    }
    await this.store.replaceMirror(entities);
    const groups = org.groups().length;
    this.logger.debug(
      `Mirrored ${entities.length} owned entities of ${groups} groups from the catalog`,
    );
    return { groups, entities: entities.length };
  }

  private async *query(
    kinds: string[],
    credentials: Awaited<ReturnType<AuthService['getOwnServiceCredentials']>>,
  ): AsyncGenerator<Entity> {
    let cursor: string | undefined;
    do {
      const response = await this.catalog.queryEntities(
        cursor
          ? { cursor, limit: PAGE_SIZE }
          : {
              filter: { kind: kinds },
              fields: [
                'kind',
                'metadata.name',
                'metadata.title',
                'spec.type',
                'spec.lifecycle',
                ...OWNER_FIELDS,
              ],
              limit: PAGE_SIZE,
            },
        { credentials },
      );
      yield* response.items;
      cursor = response.pageInfo.nextCursor;
    } while (cursor);
  }
}
