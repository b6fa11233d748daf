import { AuthenticationError } from '@backstage/errors';
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Short-lived tokens that let a signed-in user publish to the local git remotes: the dev/test stand-in for the
 * user's own GitHub OAuth token. The frontend fetches one for the current user and a form decorator hands it to
 * the task as a secret; `publish:git-local` refuses to push without a valid token for the task's initiator.
 * HMAC-signed with a backend secret, so they survive a backend restart (recovered tasks keep their secrets).
 */
export class PublishTokens {
  constructor(
    private readonly secret: string,
    private readonly ttlMs: number = 60 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  issue(userEntityRef: string): { token: string; expiresAt: string } {
    const expires = this.now() + this.ttlMs;
    const payload = `${userEntityRef}|${expires}`;
    const token = `${Buffer.from(payload).toString('base64url')}.${this.sign(
      payload,
    )}`;
    return { token, expiresAt: new Date(expires).toISOString() };
  }

  /** Throws unless `token` was issued to `userEntityRef` and has not expired. */
  verify(token: string | undefined, userEntityRef: string | undefined) {
    if (!token) {
      throw new AuthenticationError(
        'No publish token was provided with the task',
      );
    }
    const [encoded, signature] = token.split('.');
    const payload = Buffer.from(encoded ?? '', 'base64url').toString();
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new AuthenticationError('The publish token is invalid');
    }
    const [owner, expires] = payload.split('|');
    if (Number(expires) < this.now()) {
      throw new AuthenticationError(
        'The publish token has expired; reload the template form',
      );
    }
    if (userEntityRef && owner !== userEntityRef) {
      throw new AuthenticationError(
        'The publish token belongs to another user',
      );
    }
  }

  private sign(payload: string) {
    return createHmac('sha256', this.secret)
      .update(payload)
      .digest('base64url');
  }
}
