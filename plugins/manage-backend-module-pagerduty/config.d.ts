import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  manage?: {
    providers?: {
      /**
       * Incidents and minutes to resolve per entity and month (KPIs `incidents`, `incident-repair-minutes`) from
       * PagerDuty, for entities annotated `pagerduty.com/service-id`.
       */
      pagerduty?: {
        /**
         * A PagerDuty REST API key (read-only is enough), from the environment: `token: ${PAGERDUTY_TOKEN}`.
         * @visibility secret
         */
        token: string;
        /** Default `https://api.pagerduty.com` (`https://api.eu.pagerduty.com` for EU accounts). */
        baseUrl?: string;
        /** Months re-read each run, the current one included, 1 to 6. Default 3. */
        months?: number;
        schedule: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
