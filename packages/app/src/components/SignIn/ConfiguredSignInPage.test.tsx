import { screen } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  configApiRef,
  discoveryApiRef,
  githubAuthApiRef,
} from '@backstage/core-plugin-api';

// Not signed in to GitHub yet: the page must offer the button rather than resume a session.
const signedOutGithub = {
  getBackstageIdentity: async () => undefined,
  getProfile: async () => undefined,
  signIn: async () => {},
  signOut: async () => {},
  sessionState$: () => ({ subscribe: () => ({ unsubscribe() {} }) }),
} as any;
import { ConfiguredSignInPage } from './ConfiguredSignInPage';

function renderWith(signInProviders?: string[]) {
  const config = mockApis.config({
    data: {
      app: { title: 'Developer Portal', signInProviders },
    },
  });
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [configApiRef, config],
        [discoveryApiRef, mockApis.discovery()],
        [githubAuthApiRef, signedOutGithub],
      ]}
    >
      <ConfiguredSignInPage onSignInSuccess={() => {}} />
    </TestApiProvider>,
  );
}

describe('ConfiguredSignInPage', () => {
  it('offers guest sign-in when nothing is configured (development)', async () => {
    await renderWith();
    expect(await screen.findByText('Guest')).toBeInTheDocument();
    expect(screen.queryByText('GitHub')).not.toBeInTheDocument();
  });

  it('offers only GitHub in production', async () => {
    await renderWith(['github']);
    expect(await screen.findByText('GitHub')).toBeInTheDocument();
    expect(screen.queryByText('Guest')).not.toBeInTheDocument();
  });

  it('offers every configured provider, in order', async () => {
    await renderWith(['guest', 'github']);
    expect(await screen.findByText('Guest')).toBeInTheDocument();
    expect(screen.getByText('GitHub')).toBeInTheDocument();
  });
});
