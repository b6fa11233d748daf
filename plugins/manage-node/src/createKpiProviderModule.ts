import {
  BackendFeature,
  coreServices,
  createBackendModule,
  LoggerService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  RootConfigService,
  SchedulerServiceTaskScheduleDefinition,
  ServiceRef,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { KpiProvider, manageKpiProvidersExtensionPoint } from './extensions';

/**
 * What {@link createKpiProviderModule} hands to `createProvider`.
 *
 * @public
 */
export interface KpiProviderModuleContext<TDeps> {
  /** The provider's own config block, `<configKey>`. */
  config: Config;
  /** Read from `<configKey>.schedule` (required). */
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** The whole app config, for providers that also read e.g. `integrations`. */
  rootConfig: RootConfigService;
  /** The module's logger. */
  logger: LoggerService;
  /** The instances of the module's extra `deps`. */
  deps: TDeps;
}

/**
 * Options of {@link createKpiProviderModule}.
 *
 * @public
 */
export interface KpiProviderModuleOptions<TDeps> {
  /** The backend module id, e.g. `aws-cost`. */
  moduleId: string;
  /** Where the provider's config lives, e.g. `manage.providers.awsCost`. */
  configKey: string;
  /** Logged once (after `<configKey> is not configured: `) when that config is absent. */
  unconfiguredMessage: string;
  /** Services the provider needs beyond config and logger. */
  deps: { [name in keyof TDeps]: ServiceRef<TDeps[name]> };
  /** Builds the provider; may throw to refuse bad config at startup. */
  createProvider(
    context: KpiProviderModuleContext<TDeps>,
  ): KpiProvider | Promise<KpiProvider>;
}

/**
 * A backend module of the manage plugin that adds one KPI provider when `configKey` is configured, and
 * registers nothing (logging once why) when it is not, so an install without the provider's config starts clean.
 *
 * @public
 */
export function createKpiProviderModule<
  TDeps extends { [name: string]: unknown },
>(options: KpiProviderModuleOptions<TDeps>): BackendFeature {
  const { moduleId, configKey } = options;
  return createBackendModule({
    pluginId: 'manage',
    moduleId,
    register(reg) {
      reg.registerInit({
        deps: {
          rootConfig: coreServices.rootConfig,
          logger: coreServices.logger,
          providers: manageKpiProvidersExtensionPoint,
          ...(options.deps as { [name: string]: ServiceRef<unknown> }),
        },
        async init({ rootConfig, logger, providers, ...deps }) {
          const config = rootConfig.getOptionalConfig(configKey);
          if (!config) {
            logger.info(
              `${configKey} is not configured: ${options.unconfiguredMessage}`,
            );
            return;
          }
          providers.addProvider(
            await options.createProvider({
              config,
              schedule: readSchedulerServiceTaskScheduleDefinitionFromConfig(
                config.getConfig('schedule'),
              ),
              rootConfig,
              logger,
              deps: deps as TDeps,
            }),
          );
        },
      });
    },
  });
}
