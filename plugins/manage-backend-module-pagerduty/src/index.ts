/**
 * A KPI provider for the manage page: incidents and repair minutes per entity and month from PagerDuty.
 *
 * @packageDocumentation
 */
export { manageModulePagerDuty as default } from './module';
