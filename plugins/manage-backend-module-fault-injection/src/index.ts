/**
 * Test-only: KPI providers that fail or report nothing on demand, for the manage page's freshness states in the
 * end-to-end tests. A devDependency of the backend only: never in the production bundle or image.
 *
 * @packageDocumentation
 */
export { manageModuleFaultInjection as default } from './module';
