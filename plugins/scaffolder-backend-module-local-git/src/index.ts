/**
 * The local git publish target of development and tests (`publish:git-local`, `publish:git-local:change`, the
 * publish-token route and the URL reader of the local repositories). A devDependency of the backend only: never
 * in the production bundle or image (system-tests/lib/production-install.mjs checks it).
 *
 * @packageDocumentation
 */
export { localGitFeatures as default } from './module';
