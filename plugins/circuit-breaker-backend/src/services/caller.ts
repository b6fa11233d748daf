import { AuthService, HttpAuthService } from '@backstage/backend-plugin-api';
import { Request } from 'express';

export type CallerKind = 'user' | 'service' | 'none';

/** Who sent a request, as far as failure accounting is concerned. */
export interface Caller {
  /** `user:default/jane`, `service:plugin:catalog`, `service:external:ci`, or `ip:10.0.0.7`. */
  key: string;
  kind: CallerKind;
}

/**
 * The principal of a request. The credentials barrier has already verified the token, and `httpAuth` caches the
 * credentials per request, so this costs no second verification. Unauthenticated callers (routes opened with an
 * auth policy) are told apart by client address, `req.ip`, which honours Express' `trust proxy` setting only.
 */
export async function callerOf(
  req: Request,
  httpAuth: HttpAuthService,
  auth: AuthService,
): Promise<Caller> {
  try {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service', 'none'],
    });
    if (auth.isPrincipal(credentials, 'user')) {
      return { key: credentials.principal.userEntityRef, kind: 'user' };
    }
    if (auth.isPrincipal(credentials, 'service')) {
      return {
        key: `service:${credentials.principal.subject}`,
        kind: 'service',
      };
    }
  } catch {
    // A token the barrier let through on an unauthenticated route but that does not verify: count by address.
  }
  return {
    key: `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`,
    kind: 'none',
  };
}
