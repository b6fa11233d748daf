import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { NODE_22 } from './__fixtures__/fixtures';
import {
  declaredRoutes,
  FuzzRoute,
  fuzzRoutes,
  send,
  violations,
} from '@internal/backend-test-utils';
import { createRouter } from './router';
import {
  evaluate,
  pushFacts,
  startTechMigrations,
  storeDatabases,
} from './__testUtils__/testBackend';

// PostgreSQL is where varchar limits and NUL bytes bite; SQLite is cheap, so both.
const databases = storeDatabases();
jest.setTimeout(180_000);

/** Every route of the tech-migrations router, with a valid example the fuzzer mutates. */
const routes: FuzzRoute[] = [
  { method: 'get', path: '/migrations' },
  { method: 'get', path: '/migrations/:id', params: { id: 'python-3' } },
  {
    method: 'get',
    path: '/migrations/:id/leaderboard',
    params: { id: 'python-3' },
  },
  {
    method: 'get',
    path: '/migrations/:id/burnup',
    params: { id: 'python-3' },
    query: { team: 'group:default/fraud-squad' },
  },
  {
    method: 'get',
    path: '/migrations/:id/entities',
    params: { id: 'python-3' },
    query: { status: 'done' },
  },
  {
    method: 'get',
    path: '/entity',
    query: { entityRef: 'component:default/fraud-api' },
  },
  {
    method: 'get',
    path: '/team-items',
    query: { groupRef: 'group:default/fraud-squad' },
  },
  {
    method: 'post',
    path: '/facts',
    body: {
      entities: [
        {
          entityRef: 'component:default/checkout-web',
          facts: { nodeVersion: '22' },
        },
      ],
    },
  },
  { method: 'post', path: '/evaluate' },
  { method: 'post', path: '/notify' },
  {
    method: 'post',
    path: '/definitions/validate',
    body: { file: 'node-22.yaml', content: NODE_22 },
  },
];

// The CI token's service principal: allowed everywhere, so writes reach the store.
const service = mockCredentials.service.header();

async function start(databaseId: Parameters<typeof databases.init>[0]) {
  const server = await startTechMigrations({
    knex: await databases.init(databaseId),
  });
  await evaluate(request(server), service).expect(200);
  return server;
}

it('the route table covers every route the router declares', async () => {
  const router = await createRouter({} as any);
  expect(declaredRoutes(router)).toEqual(
    routes.map(r => `${r.method.toUpperCase()} ${r.path}`).sort(),
  );
});

describe.each(databases.eachSupportedId())(
  'tech-migrations API fuzz on %s',
  id => {
    it('answers hostile input with a 4xx and a message, never a 5xx', async () => {
      const server = await start(id);
      // The examples themselves are valid: a mutation that fails, fails because of the mutation.
      for (const route of routes) {
        const res = await send(server, '/api/tech-migrations', service, {
          description: route.path,
          method: route.method,
          url: route.path
            .replace(/:id/, route.params?.id ?? '')
            .concat(
              route.query
                ? `?${new URLSearchParams(route.query).toString()}`
                : '',
            ),
          body: route.body === undefined ? undefined : { json: route.body },
        });
        expect([route.path, res.status]).toEqual([route.path, 200]);
      }

      const outcomes = await fuzzRoutes(
        server,
        '/api/tech-migrations',
        service,
        routes,
      );
      expect(outcomes.length).toBeGreaterThan(500);
      expect(violations(outcomes)).toEqual([]);
    });

    it('names what is wrong with an over-long or NUL-carrying ref or id (400)', async () => {
      const server = await start(id);
      const api = request(server);
      const long = await pushFacts(api, service, {
        entities: [
          {
            entityRef: `component:default/${'x'.repeat(300)}`,
            facts: { nodeVersion: '22' },
          },
        ],
      });
      expect(long.status).toBe(400);
      expect(long.body.error.message).toMatch(
        /255 .* at "entities\[0\]\.entityRef"/,
      );
      const nul = await api
        .get('/api/tech-migrations/entity?entityRef=component:default/a%00b')
        .set('Authorization', service);
      expect(nul.status).toBe(400);
      expect(nul.body.error.message).toMatch(/entityRef: .*NUL/);
      const badId = await api
        .get('/api/tech-migrations/migrations/a%00b')
        .set('Authorization', service);
      expect(badId.status).toBe(400);
      expect(badId.body.error.message).toMatch(/id: /);
    });
  },
);
