/**
 * Shared between the manage page and its backend.
 *
 * @packageDocumentation
 */
export * from './kpis';
export * from './summary';
export * from './validation';
export * from './permissions';
