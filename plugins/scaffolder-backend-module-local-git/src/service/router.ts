import { HttpAuthService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { PublishTokens } from '../publishToken/PublishTokens';

/**
 * `GET /api/scaffolder/local-git/publish-token`: a short-lived publish token for the signed-in user, which the
 * app's form decorator passes to the task as a secret. Users only: a service has no business publishing as one.
 */
export function createRouter(options: {
  httpAuth: HttpAuthService;
  tokens: PublishTokens;
}): express.Router {
  const router = Router();
  router.get('/local-git/publish-token', async (req, res) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user'],
    });
    res.setHeader('Cache-Control', 'no-store');
    res.json(options.tokens.issue(credentials.principal.userEntityRef));
  });
  return router;
}
