import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  manage?: {
    providers?: {
      /**
       * Open Dependabot and code-scanning alerts by severity (KPIs `security-issues-<severity>`) of the repository
       * named by each entity's `github.com/project-slug`. Credentials: the `integrations.github` entry of `host`.
       */
      githubSecurity?: {
        /** The GitHub host whose integration is used. Default `github.com`. */
        host?: string;
        schedule: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
