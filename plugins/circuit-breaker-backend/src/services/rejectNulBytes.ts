import { InputError } from '@backstage/errors';
import { NextFunction, Request, Response } from 'express';

/**
 * Answers 400 to a NUL byte (`%00`) anywhere in the path or query string, before any plugin sees the request.
 * No route of ours or of upstream takes one as valid input, and PostgreSQL rejects it in text values, so upstream
 * plugins that pass path or query values to the database answer 500 (catalog `GET /entities/by-name/...`,
 * `GET /entities/by-query?filter=...`): a server error any signed-in user could provoke. A literal NUL cannot
 * arrive unencoded (Node's HTTP parser refuses it), and `%2500` (an encoded percent sign) is not matched.
 */
export function rejectNulBytes(
  req: Request,
  _res: Response,
  next: NextFunction,
) {
  if (/%00/i.test(req.originalUrl)) {
    next(
      new InputError(
        'The request path or query contains a NUL byte (%00), which is not valid in any value',
      ),
    );
    return;
  }
  next();
}
