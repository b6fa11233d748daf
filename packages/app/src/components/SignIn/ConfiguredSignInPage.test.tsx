import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
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
import { ConfiguredSignInPage } from './ConfiguredSignInPage';

// Not signed in to GitHub yet: the page must offer the button rather than resume a session.
function githubApi(signIn: () => Promise<unknown> = async () => undefined) {
  return {
    getBackstageIdentity: jest.fn(async (opts?: { optional?: boolean }) =>
      opts?.optional ? undefined : signIn(),
    ),
    getProfile: async () => undefined,
    signIn: async () => {},
    signOut: async () => {},
    sessionState$: () => ({ subscribe: () => ({ unsubscribe() {} }) }),
  } as any;
}

function renderWith(signInProviders?: string[], github = githubApi()) {
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
        [githubAuthApiRef, github],
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

  it('offers only GitHub in production, without opening the popup unasked', async () => {
    const github = githubApi();
    await renderWith(['github'], github);
    expect(await screen.findByText('GitHub')).toBeInTheDocument();
    expect(screen.queryByText('Guest')).not.toBeInTheDocument();
    // Only the silent check for an existing session, no instantPopup.
    await waitFor(() =>
      expect(github.getBackstageIdentity).toHaveBeenCalledWith({
        optional: true,
      }),
    );
    expect(github.getBackstageIdentity).toHaveBeenCalledTimes(1);
  });

  it('offers every configured provider, in the configured order', async () => {
    await renderWith(['guest', 'github']);
    const guest = await screen.findByText('Guest');
    const github = screen.getByText('GitHub');
    expect(
      guest.compareDocumentPosition(github) & Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();

    await renderWith(['github', 'guest']);
    const [githubFirst] = screen.getAllByText('GitHub').slice(-1);
    const [guestSecond] = screen.getAllByText('Guest').slice(-1);
    expect(
      githubFirst.compareDocumentPosition(guestSecond) &
        Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
  });

  it('shows why GitHub sign-in was refused, on the page', async () => {
    const refusal = Object.assign(
      new Error(
        "Your GitHub account mallory is not a member of the organization in the portal's catalog.",
      ),
      { name: 'NotAllowedError' },
    );
    await renderWith(
      ['github'],
      githubApi(async () => {
        throw refusal;
      }),
    );
    await userEvent.click(
      await screen.findByRole('button', { name: /sign in/i }),
    );
    expect(
      await screen.findByText(
        "Your GitHub account mallory is not a member of the organization in the portal's catalog.",
      ),
    ).toBeInTheDocument();
  });
});
