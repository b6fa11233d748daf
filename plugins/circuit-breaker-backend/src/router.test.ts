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
import {
  declaredRoutes,
  FuzzRoute,
  fuzzRoutes,
  violations,
} from '@internal/backend-test-utils';
import { circuitBreakerHttpRouterServiceFactory } from './services/circuitBreakerHttpRouterServiceFactory';
import { createRouter, HIDDEN_ADDRESS } from './router';

jest.setTimeout(60_000);

/** Every route of the status router, with a valid example the fuzzer mutates. */
const routes: FuzzRoute[] = [{ method: 'get', path: '/status' }];

/** A plugin with one route open to unauthenticated callers that always fails: its callers are `ip:<address>`. */
const failingPlugin = createBackendPlugin({
  pluginId: 'failing',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter },
      async init({ httpRouter }) {
        const router = Router();
        router.get('/fail', async () => {
          throw new Error('boom');
        });
        httpRouter.use(router);
        httpRouter.addAuthPolicy({ path: '/fail', allow: 'unauthenticated' });
      },
    });
  },
});

async function start() {
  const { server } = await startTestBackend({
    features: [
      circuitBreakerHttpRouterServiceFactory,
      circuitBreakerPlugin,
      failingPlugin,
      // Requests without a token are unauthenticated (the mock's default would make them a user).
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      mockServices.rootConfig.factory({
        data: {
          backend: {
            circuitBreaker: {
              defaults: { volumeThreshold: 5, resetTimeout: 60_000 },
            },
          },
        },
      }),
    ],
  });
  return server;
}

const user = mockCredentials.user.header('user:default/someone');

it('the route table covers every route the router declares', async () => {
  const router = await createRouter({} as any);
  expect(declaredRoutes(router)).toEqual(
    routes.map(r => `${r.method.toUpperCase()} ${r.path}`).sort(),
  );
});

it('answers hostile input with a 4xx and a message, never a 5xx', async () => {
  const server = await start();
  const outcomes = await fuzzRoutes(
    server,
    '/api/circuit-breaker',
    user,
    routes,
  );
  expect(outcomes.length).toBeGreaterThan(20);
  expect(violations(outcomes)).toEqual([]);
});

it('counts a throttled unauthenticated caller but does not show its address', async () => {
  const server = await start();
  for (let i = 0; i < 10; i++) {
    await request(server).get('/api/failing/fail');
  }
  expect((await request(server).get('/api/failing/fail')).status).toBe(429);
  const res = await request(server)
    .get('/api/circuit-breaker/status')
    .set('Authorization', user)
    .expect(200);
  const failing = res.body.plugins.find((p: any) => p.pluginId === 'failing');
  expect(failing.throttledCount).toBe(1);
  expect(failing.throttledCallers).toEqual([
    expect.objectContaining({ caller: HIDDEN_ADDRESS, kind: 'none' }),
  ]);
  expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1|::1/);
});
