import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** The tech-migrations plugin (plugins/tech-migrations-backend). */
  techMigrations?: {
    /**
     * Folder of migration definition files (`*.yaml`), relative to the backend's working directory.
     * Default `catalog/migrations`; development uses `../../catalog/migrations` (the backend runs in packages/backend).
     */
    definitions?: string;
    /** When the full evaluation pass runs. Default: every 10 minutes, first 20 s after start. */
    schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    /** Owner notifications through the notifications plugin (README: "Notifications"). */
    notifications?: {
      /** Send them. Default true. */
      enabled?: boolean;
      /**
       * How many days before a migration's target date its owning teams with remaining entities are reminded
       * (0: on the target day). Whole days from 0 to 365; default 14.
       */
      daysBeforeDeadline?: number;
      /**
       * How many notifications a pass sends at once (each is a request to the notifications plugin, which resolves
       * the team's members and stores one notification per member). Whole number from 1 to 16; default 8.
       */
      concurrency?: number;
      /** When the notification pass runs. Default: every 30 minutes, first 2 minutes after start. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
  };
}
