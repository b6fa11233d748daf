/**
 * GitHub sign-in for the portal: the catalog user named by the GitHub login, or a refusal that says why.
 *
 * @packageDocumentation
 */
export { authModuleGithubOrgSignIn as default } from './module';
