import { NotFoundError } from '@backstage/errors';
import { usernameMatchingUserEntityName } from './resolvers';

const info = (username?: string) =>
  ({
    profile: {},
    result: { fullProfile: { username, id: '1', provider: 'github' } },
  } as any);

describe('usernameMatchingUserEntityName', () => {
  const resolver = usernameMatchingUserEntityName();

  it('signs in as the catalog user named by the GitHub login', async () => {
    const signInWithCatalogUser = jest.fn(async () => ({ token: 't' }));
    await expect(
      resolver(info('alice'), { signInWithCatalogUser } as any),
    ).resolves.toEqual({ token: 't' });
    expect(signInWithCatalogUser).toHaveBeenCalledWith(
      { entityRef: { name: 'alice' } },
      { dangerousEntityRefFallback: undefined },
    );
  });

  it('refuses a login without catalog user, naming it (403, shown on the sign-in page)', async () => {
    const signInWithCatalogUser = jest.fn(async () => {
      throw new NotFoundError('User not found');
    });
    const refusal = resolver(info('mallory'), {
      signInWithCatalogUser,
    } as any);
    await expect(refusal).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(
        /^Your GitHub account mallory is not a member of the organization in the portal's catalog\./,
      ),
    });
  });

  it("validates options with upstream's schema", () => {
    expect(() =>
      usernameMatchingUserEntityName({
        dangerouslyAllowSignInWithoutUserInCatalog: 'yes',
      } as any),
    ).toThrow(/Invalid sign-in resolver options/);
    expect(() =>
      usernameMatchingUserEntityName({
        dangerouslyAllowSignInWithoutUserInCatalog: false,
      }),
    ).not.toThrow();
  });

  it('passes other failures through unchanged', async () => {
    const boom = new Error('catalog unavailable');
    const signInWithCatalogUser = jest.fn(async () => {
      throw boom;
    });
    await expect(
      resolver(info('alice'), { signInWithCatalogUser } as any),
    ).rejects.toBe(boom);
  });
});
