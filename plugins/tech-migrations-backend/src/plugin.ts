import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { techMigrationsPermissions } from '@internal/plugin-tech-migrations-common';
import { orgModelServiceRef } from '@internal/plugin-org-model-node';
import path from 'path';
import { MigrationStore } from './database/MigrationStore';
import { createRouter } from './router';
import { MigrationService } from './services/MigrationService';
import { CatalogEntitySource } from './services/CatalogEntitySource';
import { NotificationLog } from './database/NotificationLog';
import { readNotificationsConfig } from './services/notifications/config';
import { MigrationNotifier } from './services/notifications/MigrationNotifier';

/**
 * The `tech-migrations` plugin: migration definitions from YAML files, evaluation of catalog entities and pushed
 * facts on a schedule and when facts arrive, and the read API behind the migrations pages.
 *
 * @public
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
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        org: orgModelServiceRef,
        notifications: notificationService,
      },
      async init({
        config,
        logger,
        database,
        scheduler,
        httpRouter,
        httpAuth,
        auth,
        permissions,
        permissionsRegistry,
        catalog,
        org,
        notifications,
      }) {
        // Listed so the permission backend (and policy authors) know them, as upstream plugins do.
        permissionsRegistry.addPermissions(techMigrationsPermissions);
        const definitionsDir = path.resolve(
          config.getOptionalString('techMigrations.definitions') ??
            'catalog/migrations',
        );
        const store = await MigrationStore.create(database);
        const service = new MigrationService({
          store,
          source: new CatalogEntitySource({ catalog, auth }),
          org,
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

        // Owners hear about their migrations through the notifications plugin; the pass reads what the last
        // evaluation stored, on its own schedule (one run across replicas; tm_notifications makes each send once).
        const notificationsConfig = readNotificationsConfig(config);
        const notifier = notificationsConfig.enabled
          ? new MigrationNotifier({
              store,
              log: new NotificationLog(store.knex),
              notifications,
              org,
              logger,
              daysBeforeDeadline: notificationsConfig.daysBeforeDeadline,
              concurrency: notificationsConfig.concurrency,
            })
          : undefined;
        if (notifier) {
          await scheduler.scheduleTask({
            id: 'tech-migrations:notify',
            ...notificationsConfig.schedule,
            fn: async () => {
              await notifier.run();
            },
          });
        }

        httpRouter.use(
          await createRouter({
            auth,
            httpAuth,
            permissions,
            service,
            notifier,
            // A user's push sees the entities the catalog shows that user. A service principal (the CI token) may
            // not be delegated to the catalog when its access restrictions name only this plugin, so its push is
            // checked against the catalog as this plugin; the token's scope was checked on the way in.
            lookupEntities: async (refs, credentials) =>
              (
                await catalog.getEntitiesByRefs(
                  { entityRefs: refs },
                  {
                    credentials: auth.isPrincipal(credentials, 'service')
                      ? await auth.getOwnServiceCredentials()
                      : credentials,
                  },
                )
              ).items.map(e => e ?? undefined),
          }),
        );
      },
    });
  },
});
