/**
 * A KPI provider for the manage page: monthly cloud cost per entity from AWS Cost Explorer.
 *
 * @packageDocumentation
 */
export { manageModuleAwsCost as default } from './module';
