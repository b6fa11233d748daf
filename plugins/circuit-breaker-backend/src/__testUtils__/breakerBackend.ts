import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import Router from 'express-promise-router';
import request from 'supertest';
import circuitBreakerPlugin from '..';
import { circuitBreakerHttpRouterServiceFactory } from '../services/circuitBreakerHttpRouterServiceFactory';

/** A test plugin serving the routes `addRoutes` puts on its router; the `unauthenticated` paths need no token. */
export function routerPlugin(
  pluginId: string,
  addRoutes: (router: ReturnType<typeof Router>) => void,
  unauthenticated: string[] = [],
) {
  return createBackendPlugin({
    pluginId,
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter },
        async init({ httpRouter }) {
          const router = Router();
          addRoutes(router);
          httpRouter.use(router);
          for (const path of unauthenticated) {
            httpRouter.addAuthPolicy({ path, allow: 'unauthenticated' });
          }
        },
      });
    },
  });
}

/**
 * A test backend with the breaking HTTP router and the status plugin, `backend.circuitBreaker` set to
 * `circuitBreaker`, and the given plugins. With `anonymous`, requests without a token are unauthenticated (the mock's
 * default would make them a user).
 */
export async function startBreakerBackend(
  circuitBreaker: object,
  features: any[],
  options: { anonymous?: boolean } = {},
) {
  const { server } = await startTestBackend({
    features: [
      circuitBreakerHttpRouterServiceFactory,
      circuitBreakerPlugin,
      ...features,
      mockServices.rootConfig.factory({
        data: { backend: { circuitBreaker } },
      }),
      ...(options.anonymous
        ? [
            mockServices.httpAuth.factory({
              defaultCredentials: mockCredentials.none(),
            }),
          ]
        : []),
    ],
  });
  return server;
}

/** The status API's entry for `pluginId`, read as a signed-in user. */
export async function statusOf(server: any, pluginId: string) {
  const res = await request(server)
    .get('/api/circuit-breaker/status')
    .set('Authorization', mockCredentials.user.header());
  expect(res.status).toBe(200);
  return res.body.plugins.find((p: any) => p.pluginId === pluginId);
}
