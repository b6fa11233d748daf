import { PublishTokens } from './PublishTokens';

describe('PublishTokens', () => {
  const user = 'user:default/guest';

  it('accepts a token issued to the same user', () => {
    const tokens = new PublishTokens('s3cret');
    expect(() => tokens.verify(tokens.issue(user).token, user)).not.toThrow();
  });

  it('refuses a missing, forged, foreign or expired token', () => {
    let now = 1_000;
    const tokens = new PublishTokens('s3cret', 500, () => now);
    const { token } = tokens.issue(user);
    expect(() => tokens.verify(undefined, user)).toThrow(/No publish token/);
    expect(() =>
      tokens.verify(new PublishTokens('other').issue(user).token, user),
    ).toThrow(/invalid/);
    expect(() => tokens.verify(`${token}x`, user)).toThrow(/invalid/);
    expect(() => tokens.verify(token, 'user:default/someone-else')).toThrow(
      /another user/,
    );
    now += 501;
    expect(() => tokens.verify(token, user)).toThrow(/expired/);
  });
});
