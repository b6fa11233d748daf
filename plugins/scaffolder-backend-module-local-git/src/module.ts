import {
  coreServices,
  createBackendFeatureLoader,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { urlReaderFactoriesServiceRef } from '@backstage/backend-defaults/urlReader';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { readTestPause } from '@internal/plugin-scaffolder-backend-module-golden-path';
import { createProposeChangeGitLocalAction } from './actions/proposeChangeGitLocal';
import { createPublishGitLocalAction } from './actions/publishGitLocal';
import { readLocalGitConfig } from './config';
import { LocalGitUrlReader } from './git/LocalGitUrlReader';
import { PublishTokens } from './publishToken/PublishTokens';
import { createRouter } from './service/router';

/**
 * `publish:git-local`, `publish:git-local:change` and `GET /api/scaffolder/local-git/publish-token`, with the
 * repositories of `scaffolder.localGit`.
 */
const scaffolderModuleLocalGit = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'local-git',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        logger: coreServices.logger,
      },
      async init({ scaffolder, config, httpRouter, httpAuth, logger }) {
        const local = readLocalGitConfig(config);
        if (!local) {
          throw new Error(
            'The local git module needs scaffolder.localGit (root, tokenSecret)',
          );
        }
        logger.info(
          `Local git remotes in ${local.root} (https://${local.host}/<repo>/blob/<branch>/<path>)`,
        );
        // The crash test's pause (scaffolder.goldenPath.testPauseAfterSideEffect) applies to these actions too.
        const testPause = readTestPause(config);
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
const localGitUrlReaderFactory = createServiceFactory({
  service: urlReaderFactoriesServiceRef,
  deps: {},
  async factory() {
    return LocalGitUrlReader.factory;
  },
});

/**
 * The local git publish target of development and tests: the scaffolder module and the URL reader of its
 * repositories, added together.
 *
 * @public
 */
export const localGitFeatures = createBackendFeatureLoader({
  *loader() {
    yield scaffolderModuleLocalGit;
    yield localGitUrlReaderFactory;
  },
});
