/**
 * GitHub org ingestion in the portal's shape: top-level teams are tribes, nested teams squads.
 *
 * @packageDocumentation
 */
export { catalogModuleGithubOrgShape as default } from './module';
