import { createKpiProviderModule } from '@internal/plugin-manage-node';

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
  // The AWS SDK is loaded only here, once the provider is configured: a backend without manage.providers.awsCost
  // (production today) would otherwise carry about 18 MiB of it and 0.15 s of start-up for nothing (bench:stock).
  createProvider: async ({ config, schedule, logger }) => {
    // require(), not import(): the package is CommonJS, and the test runner has no dynamic import.
    const { CostExplorerClient } =
      require('@aws-sdk/client-cost-explorer') as typeof import('@aws-sdk/client-cost-explorer');
    const { AwsCostKpiProvider } =
      require('./AwsCostKpiProvider') as typeof import('./AwsCostKpiProvider');
    return new AwsCostKpiProvider(
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
    );
  },
});
