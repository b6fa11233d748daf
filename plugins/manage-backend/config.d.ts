import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  manage?: {
    /**
     * How often the catalog's groups and ownership are mirrored into the plugin's database.
     * Default: every 5 minutes, first run 5 seconds after start.
     */
    catalogSync?: SchedulerServiceTaskScheduleDefinitionConfig;
    /**
     * KPI sample files read on a schedule: a path (relative to the backend's working directory) or an http(s)
     * URL read through the backend's URL reader (so `backend.reading.allow` applies). The content has the
     * push API's shape: `{ "samples": [{ "entityRef", "kpi", "period", "value" }] }`. A sample may give
     * `"monthsAgo": n` (0 = the current UTC month) instead of `period`, resolved on every load: demo data that
     * stays current on any date.
     */
    kpiSources?: Array<{
      /** Names the samples' source in the store, e.g. `demo`. */
      id: string;
      target: string;
      /** Default: hourly, first run 5 seconds after start. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    }>;
  };
}
