import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  ServiceFactory,
  ServiceRef,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { OrgModel } from '@internal/plugin-org-model-common';
import { CatalogOrgModel } from './CatalogOrgModel';

/**
 * The org as a backend plugin reads it.
 *
 * @public
 */
export interface OrgModelService {
  /** The org as last read from the catalog; read first when it never was. */
  current(): Promise<OrgModel>;
  /** Reads the catalog now (a plugin's own full pass calls it, so its pass and the org agree). */
  refresh(): Promise<OrgModel>;
}

/**
 * Reads the org from the catalog on first use and on a local task of the plugin's scheduler (`orgModel.refresh`,
 * default every 5 minutes): every replica keeps its own copy in memory, so every replica refreshes it.
 */
function createOrgModelServiceFactory(
  service: ServiceRef<OrgModelService, 'plugin', 'singleton'>,
): ServiceFactory<OrgModelService, 'plugin', 'singleton'> {
  return createServiceFactory({
    service,
    deps: {
      config: coreServices.rootConfig,
      logger: coreServices.logger,
      auth: coreServices.auth,
      scheduler: coreServices.scheduler,
      catalog: catalogServiceRef,
    },
    async factory({ config, logger, auth, scheduler, catalog }) {
      const model = new CatalogOrgModel({ catalog, auth, logger });
      await scheduler.scheduleTask({
        id: 'org-model-refresh',
        ...(config.has('orgModel.refresh')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              config.getConfig('orgModel.refresh'),
            )
          : {
              frequency: { minutes: 5 },
              timeout: { minutes: 2 },
              initialDelay: { seconds: 5 },
            }),
        scope: 'local',
        fn: async () => {
          await model.refresh();
        },
      });
      return model;
    },
  });
}

/**
 * The org model of one plugin: groups, parents and titles kept from the catalog. Plugin-scoped, so each plugin
 * reads with its own service credentials. Its default factory is {@link orgModelServiceFactory}.
 *
 * @public
 */
export const orgModelServiceRef: ServiceRef<
  OrgModelService,
  'plugin',
  'singleton'
> = createServiceRef<OrgModelService>({
  id: 'internal.org-model',
  scope: 'plugin',
  defaultFactory: async service => createOrgModelServiceFactory(service),
});

/**
 * The default factory of {@link orgModelServiceRef}, for tests and explicit wiring.
 *
 * @public
 */
export const orgModelServiceFactory =
  createOrgModelServiceFactory(orgModelServiceRef);
