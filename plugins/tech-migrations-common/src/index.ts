/**
 * Shared by the tech-migrations backend and frontend: migration definition and fact payload schemas (zod),
 * fact paths and comparisons, API response types.
 *
 * @packageDocumentation
 */
export * from './checks';
export * from './schemas';
export * from './types';
export * from './describe';
export * from './permissions';
