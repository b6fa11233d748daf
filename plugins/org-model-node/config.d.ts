import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** The org model every team page reads (plugins/org-model-node). */
  orgModel?: {
    /**
     * How often each plugin's copy of the org is read again from the catalog (per replica: the copy lives in
     * memory). Default: every 5 minutes, first run 5 seconds after start.
     */
    refresh?: SchedulerServiceTaskScheduleDefinitionConfig;
  };
}
