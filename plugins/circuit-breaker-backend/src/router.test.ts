import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  declaredRoutes,
  FuzzRoute,
  fuzzRoutes,
  violations,
} from '@internal/backend-test-utils';
import {
  routerPlugin,
  startBreakerBackend,
} from './__testUtils__/breakerBackend';
import { createRouter, HIDDEN_ADDRESS } from './router';

jest.setTimeout(60_000);

/** Every route of the status router, with a valid example the fuzzer mutates. */
const routes: FuzzRoute[] = [{ method: 'get', path: '/status' }];

/** A plugin with one route open to unauthenticated callers that always fails: its callers are `ip:<address>`. */
const failingPlugin = routerPlugin(
  'failing',
  router => {
    router.get('/fail', async () => {
      throw new Error('boom');
    });
  },
  ['/fail'],
);

function start() {
  return startBreakerBackend(
    { defaults: { volumeThreshold: 5, resetTimeout: 60_000 } },
    [failingPlugin],
    { anonymous: true },
  );
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
