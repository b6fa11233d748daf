import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { createKpiProviderModule } from '@internal/plugin-manage-node';
import { AwsCostKpiProvider } from './AwsCostKpiProvider';

/**
 * Adds the AWS Cost Explorer provider (KPI `cloud-cost`) to the manage plugin, when `manage.providers.awsCost`
 * is configured. Credentials come from the default AWS chain (the ECS task role in production), never from config.
 *
 * @public
 */
export const manageModuleAwsCost = createKpiProviderModule({
  moduleId: 'aws-cost',
  configKey: 'manage.providers.awsCost',
  unconfiguredMessage: 'no cloud cost is read from AWS',
  deps: {},
  createProvider: ({ config, schedule, logger }) =>
    new AwsCostKpiProvider(
      new CostExplorerClient({
        region: config.getOptionalString('region') ?? 'us-east-1',
      }),
      {
        tagKey: config.getString('tagKey'),
        metric: config.getOptionalString('metric') ?? 'UnblendedCost',
        months: config.getOptionalNumber('months') ?? 3,
        schedule,
      },
      logger,
    ),
});
