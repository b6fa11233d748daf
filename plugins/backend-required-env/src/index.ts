/**
 * Fail fast on missing environment variables (`backend.requiredEnvironment`).
 *
 * @packageDocumentation
 */
export { requiredEnvironmentCheck } from './feature';
export { missingEnvironment, missingEnvironmentError } from './check';
