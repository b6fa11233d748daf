import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { urlReaderFactoriesServiceRef } from '@backstage/backend-defaults/urlReader';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createProposeChangeGitLocalAction } from './actions/proposeChangeGitLocal';
import { createPublishGitLocalAction } from './actions/publishGitLocal';
import { createRegisterIdempotentAction } from './actions/registerIdempotent';
import { readLocalGitConfig, readTestPause } from './config';
import { LocalGitUrlReader } from './git/LocalGitUrlReader';
import { PublishTokens } from './publishToken/PublishTokens';
import { createRouter } from './service/router';

/**
 * Our golden-path scaffolder actions. `catalog:register:idempotent` is always there; the local git remotes
 * (`publish:git-local`, `publish:git-local:change` and the publish-token route) only when `scaffolder.localGit`
 * is configured, i.e. in development and tests.
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
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        logger: coreServices.logger,
      },
      async init({
        scaffolder,
        config,
        catalog,
        httpRouter,
        httpAuth,
        logger,
      }) {
        // Test only: a pause inside our actions for the crash test; absent from every committed config.
        const testPause = readTestPause(config);
        if (testPause) {
          logger.warn(
            `Test pause of ${testPause.seconds} s after each side effect in tasks of ${testPause.template}`,
          );
        }
        scaffolder.addActions(
          createRegisterIdempotentAction(catalog, testPause),
        );
        const local = readLocalGitConfig(config);
        if (!local) return;
        logger.info(
          `Local git remotes in ${local.root} (https://${local.host}/<repo>/blob/<branch>/<path>)`,
        );
        scaffolder.addActions(
          createPublishGitLocalAction(local, testPause),
          createProposeChangeGitLocalAction(local, testPause),
        );
        httpRouter.use(
          createRouter({
            httpAuth,
            tokens: new PublishTokens(local.tokenSecret),
          }),
        );
      },
    });
  },
});

/** Lets every plugin's UrlReader (the catalog's included) read files of the local git remotes. */
export const localGitUrlReaderFactory = createServiceFactory({
  service: urlReaderFactoriesServiceRef,
  deps: {},
  async factory() {
    return LocalGitUrlReader.factory;
  },
});
