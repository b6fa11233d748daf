/**
 * A KPI provider for the manage page: open Dependabot and code-scanning alerts per entity by severity from GitHub.
 *
 * @packageDocumentation
 */
export { manageModuleGithubSecurity as default } from './module';
