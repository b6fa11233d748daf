import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { managePermissions } from '@internal/plugin-manage-common';
import { orgModelServiceRef } from '@internal/plugin-org-model-node';
import { ManageStore } from './database/ManageStore';
import {
  KpiProvider,
  manageKpiProvidersExtensionPoint,
} from '@internal/plugin-manage-node';
import { SampleFileKpiProvider } from './providers/SampleFileKpiProvider';
import { createRouter } from './router';
import { CatalogMirror } from './services/CatalogMirror';
import { EntityVisibility } from './services/EntityVisibility';
import { KpiIngestion } from './services/KpiIngestion';
import { SourceFreshness } from './services/SourceFreshness';
import { TeamSummaryService } from './services/TeamSummaryService';

/**
 * The manage plugin: mirrors ownership from the catalog (teams from the org model), collects KPI samples from providers and the push
 * API, and serves team summaries to the manage page.
 *
 * @public
 */
export const managePlugin = createBackendPlugin({
  pluginId: 'manage',
  register(env) {
    const providers: KpiProvider[] = [];
    env.registerExtensionPoint(manageKpiProvidersExtensionPoint, {
      addProvider(...added) {
        providers.push(...added);
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        urlReader: coreServices.urlReader,
        catalog: catalogServiceRef,
        org: orgModelServiceRef,
      },
      async init(deps) {
        const { config, logger, scheduler, auth, catalog, org } = deps;
        // Listed so the permission backend (and policy authors) know them, as upstream plugins do.
        deps.permissionsRegistry.addPermissions(managePermissions);
        const store = await ManageStore.create(deps.database);
        const ingestion = new KpiIngestion(store);
        const mirror = new CatalogMirror(catalog, auth, org, store, logger);

        await scheduler.scheduleTask({
          id: 'manage-catalog-sync',
          ...(config.has('manage.catalogSync')
            ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
                config.getConfig('manage.catalogSync'),
              )
            : {
                frequency: { minutes: 5 },
                timeout: { minutes: 5 },
                initialDelay: { seconds: 5 },
              }),
          fn: async () => {
            await mirror.sync();
          },
        });

        const files = SampleFileKpiProvider.fromConfig(config, deps.urlReader);
        const freshness = SourceFreshness.fromConfig(
          config,
          [
            ...files.map(f => ({ ...f, kind: 'file' as const })),
            ...providers.map(p => ({ ...p, kind: 'provider' as const })),
          ],
          store,
        );
        for (const provider of [...files, ...providers]) {
          await scheduler.scheduleTask({
            id: `manage-kpi-provider:${provider.id}`,
            ...provider.schedule,
            fn: async () => {
              const result = await ingestion.collect(provider);
              logger.info(
                `KPI provider ${provider.id} stored ${result.stored} samples`,
              );
              if (result.unknownEntityRefs.length) {
                logger.warn(
                  `KPI provider ${
                    provider.id
                  } sent samples for entities the catalog mirror does not know (yet): ${result.unknownEntityRefs
                    .slice(0, 10)
                    .join(', ')}`,
                );
              }
            },
          });
        }

        deps.httpRouter.use(
          await createRouter({
            auth,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            ingestion,
            summaries: new TeamSummaryService(
              store,
              new EntityVisibility(deps.permissions),
              org,
              freshness,
            ),
          }),
        );
      },
    });
  },
});
