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
 */
export const ConfiguredSignInPage = (props: SignInPageProps) => {
  const configApi = useApi(configApiRef);
  const configured = configApi.getOptionalStringArray(
    'app.signInProviders',
  ) ?? ['guest'];
  const providers = configured.map(id =>
    id === 'github' ? githubProvider : ('guest' as const),
  );
  // With a single provider, sign in straight away instead of showing a one-button page.
  return (
    <SignInPage
      {...props}
      auto={providers.length === 1}
      providers={providers}
    />
  );
};
