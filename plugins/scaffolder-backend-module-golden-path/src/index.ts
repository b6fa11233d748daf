/**
 * Golden-path scaffolder actions: local git remotes for development and tests (`publish:git-local`,
 * `publish:git-local:change`) and an idempotent `catalog:register:idempotent` for restartable templates.
 *
 * @packageDocumentation
 */
export {
  scaffolderModuleGoldenPath as default,
  localGitUrlReaderFactory,
} from './module';
