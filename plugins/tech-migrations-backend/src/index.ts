/**
 * The tech-migrations backend plugin: migrations as code, evaluation over catalog facts and pushed facts,
 * leaderboards and burn-up history.
 *
 * @packageDocumentation
 */
export { techMigrationsPlugin as default } from './plugin';
