/**
 * Tech-migration tracker: the migrations pages and cards for entity pages and team pages.
 *
 * @packageDocumentation
 */
export {
  techMigrationsPlugin,
  TechMigrationsPage,
  EntityMigrationsCard,
  TeamMigrationItemsCard,
} from './plugin';
export { techMigrationsApiRef, TechMigrationsClient } from './api';
export type { TechMigrationsApi } from './api';
