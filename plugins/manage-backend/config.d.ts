import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

/** A duration as app-config writes it (`{ hours: 48 }`), the fields of @backstage/types' HumanDuration. */
type HumanDuration = {
  years?: number;
  months?: number;
  weeks?: number;
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  milliseconds?: number;
};

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
    /**
     * When a KPI source's numbers count as stale (the tiles warn; the summary's `sources[].state`). A source whose
     * last run or push failed is `failed` whatever its age.
     */
    freshness?: {
      /**
       * A scheduled source (provider or kpiSources file) is stale when its last success is older than this many times
       * its schedule's frequency. Default 3.
       */
      staleFactor?: number;
      /**
       * For pushed KPIs (`POST /api/manage/kpis`, one source per caller) and for scheduled sources without a fixed
       * frequency (cron, manual): stale when the last success is older. A HumanDuration or ISO 8601 duration.
       * Default 48 hours.
       */
      staleAfter?: HumanDuration | string;
      /** Per-source thresholds, overriding the two above. */
      sources?: Array<{
        /** The source id: a provider's or file's id, or `push:<principal>`, e.g. `push:external:ci`. */
        id: string;
        staleAfter: HumanDuration | string;
      }>;
    };
  };
}
