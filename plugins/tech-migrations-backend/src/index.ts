/**
 * The tech-migrations backend plugin: migrations as code, evaluation over catalog facts and pushed facts,
 * leaderboards and burn-up history.
 *
 * @packageDocumentation
 */
export { techMigrationsPlugin as default } from './plugin';
export { MigrationStore } from './database/MigrationStore';
export { MigrationService } from './service/MigrationService';
export type { EntitySource } from './service/MigrationService';
export { parseDefinition, loadDefinitions } from './service/definitions';
