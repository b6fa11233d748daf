import { SignInPage, SignInProviderConfig } from '@backstage/core-components';
import {
  configApiRef,
  githubAuthApiRef,
  SignInPageProps,
  useApi,
} from '@backstage/core-plugin-api';

const githubProvider: SignInProviderConfig = {
  id: 'github-auth-provider',
  title: 'GitHub',
  message: 'Sign in using your GitHub account',
  apiRef: githubAuthApiRef,
};

/**
 * Offers the sign-in options listed in `app.signInProviders`: guest in development (app-config.yaml),
 * GitHub in staging and production, so one build serves every environment.
 *
 * GitHub alone (staging, production) gets the single-provider page: it resumes an existing session, otherwise shows
 * the GitHub card, and a refused sign-in shows the backend's reason inside that card ("Your GitHub account octocat
 * is not a member of the organization in the portal's catalog…", from
 * plugins/auth-backend-module-github-org-sign-in). The multi-provider page would only raise a transient
 * "Login failed" toast. It does not open the GitHub popup by itself (`auto`): browsers block popups that no click
 * opened, and after a refusal it would loop.
 */
export const ConfiguredSignInPage = (props: SignInPageProps) => {
  const configApi = useApi(configApiRef);
  const configured = configApi.getOptionalStringArray(
    'app.signInProviders',
  ) ?? ['guest'];
  if (configured.length === 1 && configured[0] === 'github') {
    return <SignInPage {...props} provider={githubProvider} />;
  }
  const providers = configured.map(id =>
    id === 'github' ? githubProvider : ('guest' as const),
  );
  return <SignInPage {...props} providers={providers} />;
};
