import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  authProvidersExtensionPoint,
  commonSignInResolvers,
  createOAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import {
  githubAuthenticator,
  githubSignInResolvers,
} from '@backstage/plugin-auth-backend-module-github-provider';
import { usernameMatchingUserEntityName } from './resolvers';

/**
 * The GitHub auth provider (`auth.providers.github`): upstream's authenticator and resolvers, with our
 * `usernameMatchingUserEntityName`. It replaces `@backstage/plugin-auth-backend-module-github-provider` in the
 * backend and takes the same module id, so adding both fails at start instead of racing for the `github` provider.
 *
 * @public
 */
export const authModuleGithubOrgSignIn = createBackendModule({
  pluginId: 'auth',
  moduleId: 'github-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
      },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'github',
          factory: createOAuthProviderFactory({
            authenticator: githubAuthenticator,
            signInResolverFactories: {
              ...githubSignInResolvers,
              ...commonSignInResolvers,
              usernameMatchingUserEntityName,
            },
          }),
        });
      },
    });
  },
});
