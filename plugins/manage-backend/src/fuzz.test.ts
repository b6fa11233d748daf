import { mockCredentials, TestDatabaseId } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  declaredRoutes,
  FuzzRoute,
  fuzzRoutes,
  violations,
} from '@internal/backend-test-utils';
import { createRouter } from './router';
import {
  previousMonth,
  startManage,
  storeDatabases,
} from './__testUtils__/testBackend';

// PostgreSQL is where varchar limits and NUL bytes bite; SQLite is cheap, so both.
const databases = storeDatabases();
jest.setTimeout(180_000);

const lastMonth = previousMonth();

/** Every route of the manage router, with a valid example the fuzzer mutates. */
const routes: FuzzRoute[] = [
  {
    method: 'get',
    path: '/teams/:groupRef/summary',
    params: { groupRef: 'group:default/squad-1' },
  },
  {
    method: 'post',
    path: '/kpis',
    body: {
      samples: [
        {
          entityRef: 'component:default/svc-1',
          kpi: 'cloud-cost',
          period: lastMonth,
          value: 1,
        },
      ],
    },
  },
];

// The CI token's service principal: allowed everywhere, so writes reach the store.
const service = mockCredentials.service.header();

async function start(databaseId: TestDatabaseId) {
  const { server } = await startManage({
    knex: await databases.init(databaseId),
  });
  return server;
}

it('the route table covers every route the router declares', async () => {
  const router = await createRouter({} as any);
  expect(declaredRoutes(router)).toEqual(
    routes.map(r => `${r.method.toUpperCase()} ${r.path}`).sort(),
  );
});

describe.each(databases.eachSupportedId())('manage API fuzz on %s', id => {
  it('answers hostile input with a 4xx and a message, never a 5xx', async () => {
    const server = await start(id);
    // The examples are valid: a mutation that fails, fails because of the mutation.
    await request(server)
      .get('/api/manage/teams/group%3Adefault%2Fsquad-1/summary')
      .set('Authorization', service)
      .expect(200);
    await request(server)
      .post('/api/manage/kpis')
      .set('Authorization', service)
      .send(routes[1].body as object)
      .expect(201);

    const outcomes = await fuzzRoutes(server, '/api/manage', service, routes);
    expect(outcomes.length).toBeGreaterThan(300);
    expect(violations(outcomes)).toEqual([]);
  });

  it('names what is wrong with an over-long or NUL-carrying ref (400)', async () => {
    const server = await start(id);
    const push = (entityRef: string) =>
      request(server)
        .post('/api/manage/kpis')
        .set('Authorization', service)
        .send({
          samples: [
            { entityRef, kpi: 'incidents', period: lastMonth, value: 1 },
          ],
        });
    const long = await push(`component:default/${'x'.repeat(300)}`);
    expect(long.status).toBe(400);
    expect(long.body.error.message).toMatch(
      /255 .* at "samples\[0\]\.entityRef"/,
    );
    const nul = await push('component:default/a\u0000b');
    expect(nul.status).toBe(400);
    expect(nul.body.error.message).toMatch(
      /NUL .* at "samples\[0\]\.entityRef"/,
    );

    const team = await request(server)
      .get(`/api/manage/teams/${'x'.repeat(300)}/summary`)
      .set('Authorization', service);
    expect(team.status).toBe(400);
    expect(team.body.error.message).toMatch(/255/);
  });
});
