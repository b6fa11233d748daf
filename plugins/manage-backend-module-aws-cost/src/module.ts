import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { manageKpiProvidersExtensionPoint } from '@internal/plugin-manage-node';
import { AwsCostKpiProvider } from './AwsCostKpiProvider';

const CONFIG_KEY = 'manage.providers.awsCost';

/**
 * Adds the AWS Cost Explorer provider (KPI `cloud-cost`) to the manage plugin, when `manage.providers.awsCost`
 * is configured. Credentials come from the default AWS chain (the ECS task role in production), never from config.
 *
 * @public
 */
export const manageModuleAwsCost = createBackendModule({
  pluginId: 'manage',
  moduleId: 'aws-cost',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        providers: manageKpiProvidersExtensionPoint,
      },
      async init({ config, logger, providers }) {
        const conf = config.getOptionalConfig(CONFIG_KEY);
        if (!conf) {
          logger.info(
            `${CONFIG_KEY} is not configured: no cloud cost is read from AWS`,
          );
          return;
        }
        providers.addProvider(
          new AwsCostKpiProvider(
            new CostExplorerClient({
              region: conf.getOptionalString('region') ?? 'us-east-1',
            }),
            {
              tagKey: conf.getString('tagKey'),
              metric: conf.getOptionalString('metric') ?? 'UnblendedCost',
              months: conf.getOptionalNumber('months') ?? 3,
              schedule: readSchedulerServiceTaskScheduleDefinitionFromConfig(
                conf.getConfig('schedule'),
              ),
            },
            logger,
          ),
        );
      },
    });
  },
});
