/**
 * Golden-path scaffolder actions that run in production: `catalog:register:idempotent` for restartable templates,
 * `node:bump-version` for the Node 22 migration's fix template.
 * `checkpointOnce` and `readTestPause` are shared with the dev-only local git module, whose actions checkpoint the
 * same way.
 *
 * @packageDocumentation
 */
export { scaffolderModuleGoldenPath as default } from './module';
export {
  checkpointOnce,
  type CheckpointContext,
  type CheckpointValue,
} from './actions/checkpointOnce';
export { readTestPause, type TestPause } from './config';
