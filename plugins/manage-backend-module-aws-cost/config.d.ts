import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  manage?: {
    providers?: {
      /**
       * Monthly cloud cost per entity (KPI `cloud-cost`) from AWS Cost Explorer. Credentials come from the default
       * AWS chain (the ECS task role in production), which needs `ce:GetCostAndUsage`.
       */
      awsCost?: {
        /** The activated cost-allocation tag whose value is an entity ref, e.g. `backstage-entity`. */
        tagKey: string;
        /** Cost Explorer metric. Default `UnblendedCost`. */
        metric?: string;
        /** Months re-read each run, the current one included. Default 3. */
        months?: number;
        /** Cost Explorer's endpoint region. Default `us-east-1`. */
        region?: string;
        schedule: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
