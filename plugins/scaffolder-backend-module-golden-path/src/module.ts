import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createBumpNodeVersionAction } from './actions/bumpNodeVersion/bumpNodeVersion';
import { createRegisterIdempotentAction } from './actions/registerIdempotent';
import { readTestPause } from './config';

/**
 * Our production golden-path scaffolder actions: `catalog:register:idempotent` and `node:bump-version`. The local git publish target of
 * development and tests is a separate, dev-only module (plugins/scaffolder-backend-module-local-git).
 *
 * @public
 */
export const scaffolderModuleGoldenPath = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'golden-path',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
        logger: coreServices.logger,
        urlReader: coreServices.urlReader,
      },
      async init({ scaffolder, config, catalog, logger, urlReader }) {
        // Test only: a pause inside our actions for the crash test; absent from every committed config.
        const testPause = readTestPause(config);
        if (testPause) {
          logger.warn(
            `Test pause of ${testPause.seconds} s after each side effect in tasks of ${testPause.template}`,
          );
        }
        scaffolder.addActions(
          createRegisterIdempotentAction(catalog, testPause),
          createBumpNodeVersionAction(urlReader),
        );
      },
    });
  },
});
