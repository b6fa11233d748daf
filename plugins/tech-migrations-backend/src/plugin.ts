import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import path from 'path';
import { MigrationStore } from './database/MigrationStore';
import { createRouter } from './service/router';
import { MigrationService } from './service/MigrationService';
import { CatalogEntitySource } from './service/CatalogEntitySource';

/**
 * The `tech-migrations` plugin: migration definitions from YAML files, evaluation of catalog entities and pushed
 * facts on a schedule and when facts arrive, and the read API behind the migrations pages.
 */
export const techMigrationsPlugin = createBackendPlugin({
  pluginId: 'tech-migrations',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
      },
      async init({
        config,
        logger,
        database,
        scheduler,
        httpRouter,
        httpAuth,
        auth,
        catalog,
      }) {
        const definitionsDir = path.resolve(
          config.getOptionalString('techMigrations.definitions') ??
            'catalog/migrations',
        );
        const store = await MigrationStore.create(database);
        const service = new MigrationService({
          store,
          source: new CatalogEntitySource({ catalog, auth }),
          definitionsDir,
          logger,
        });

        const schedule = config.has('techMigrations.schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              config.getConfig('techMigrations.schedule'),
            )
          : {
              frequency: { minutes: 10 },
              timeout: { minutes: 5 },
              initialDelay: { seconds: 20 },
            };
        await scheduler.scheduleTask({
          id: 'tech-migrations:evaluate',
          ...schedule,
          fn: async () => {
            await service.evaluateAll();
          },
        });
        logger.info(`Migration definitions are read from ${definitionsDir}`);

        httpRouter.use(
          await createRouter({
            httpAuth,
            service,
            lookupEntities: async (refs, credentials) =>
              (
                await catalog.getEntitiesByRefs(
                  { entityRefs: refs },
                  { credentials },
                )
              ).items.map(e => e ?? undefined),
          }),
        );
      },
    });
  },
});
