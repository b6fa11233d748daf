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
  };
}
