import { NotAllowedError } from '@backstage/errors';
import {
  OAuthAuthenticatorResult,
  SignInResolver,
} from '@backstage/plugin-auth-node';
import {
  GithubProfile,
  githubSignInResolvers,
} from '@backstage/plugin-auth-backend-module-github-provider';

/** What the sign-in page shows a GitHub user who has no catalog user (the page displays the message as is). */
export function notInOrgMessage(login: string) {
  return (
    `Your GitHub account ${login} is not a member of the organization in the portal's catalog. ` +
    'Ask a GitHub organization owner to add you; you can sign in once the catalog has picked you up (within minutes).'
  );
}

type Factory = typeof githubSignInResolvers.usernameMatchingUserEntityName;

/**
 * Upstream's `usernameMatchingUserEntityName` (GitHub login `jdoe` signs in as `user:default/jdoe`), with a refusal
 * that says why. Upstream throws NotFoundError for an unknown login, which the declarative resolver list turns into
 * "Failed to sign-in, unable to resolve user identity. Please verify that your catalog contains the expected User
 * entities…": a message for the portal's operators, which names nobody and reads to the user as a fault. A
 * NotAllowedError is passed through unchanged to the sign-in popup and from there to the page.
 */
export const usernameMatchingUserEntityName: Factory = Object.assign(
  (options?: Parameters<Factory>[0]) => {
    // Upstream's factory validates the options (its schema), then we wrap the resolver it returns.
    const upstream =
      githubSignInResolvers.usernameMatchingUserEntityName(options);
    const resolver: SignInResolver<
      OAuthAuthenticatorResult<GithubProfile>
    > = async (info, ctx) => {
      try {
        return await upstream(info, ctx);
      } catch (error) {
        if ((error as Error)?.name !== 'NotFoundError') throw error;
        throw new NotAllowedError(
          notInOrgMessage(info.result.fullProfile.username ?? 'unknown'),
        );
      }
    };
    return resolver;
  },
  {
    optionsJsonSchema:
      githubSignInResolvers.usernameMatchingUserEntityName.optionsJsonSchema,
  },
);
