import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { NODE_22, PYTHON_3 } from './__fixtures__/fixtures';
import {
  evaluate,
  pushFacts,
  startTechMigrations,
  storeDatabases,
} from './__testUtils__/testBackend';

const databases = storeDatabases();
jest.setTimeout(60_000);

async function start(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  const server = await startTechMigrations({
    knex,
    definitions: {
      // The exemption runs past today's real date.
      'python-3.yaml': PYTHON_3.replace(
        "expires: '2026-06-30'",
        "expires: '2099-12-31'",
      ),
      'node-22.yaml': NODE_22,
    },
  });
  const api = request(server);
  const user = `Bearer ${mockCredentials.user.token()}`;
  const service = `Bearer ${mockCredentials.service.token()}`;
  return { api, knex, user, service };
}

describe.each(databases.eachSupportedId())(
  'tech-migrations API on %p',
  databaseId => {
    it('serves migrations, leaderboard and burn-up after an evaluation', async () => {
      const { api, user } = await start(databaseId);
      await evaluate(api, user).expect(200);

      const list = await api
        .get('/api/tech-migrations/migrations')
        .set('Authorization', user)
        .expect(200);
      expect(
        list.body.migrations.map((m: any) => [
          m.id,
          m.percent,
          m.done,
          m.remaining,
          m.exempt,
        ]),
      ).toEqual([
        ['python-3', 60, 3, 2, 1],
        ['node-22', 0, 0, 1, 0],
      ]);
      const board = await api
        .get('/api/tech-migrations/migrations/python-3/leaderboard')
        .set('Authorization', user)
        .expect(200);
      expect(board.body.tribes.map((t: any) => t.teamRef)).toEqual([
        'group:default/experience-tribe',
        'group:default/payments-tribe',
      ]);
      const burnup = await api
        .get('/api/tech-migrations/migrations/python-3/burnup')
        .set('Authorization', user)
        .expect(200);
      expect(burnup.body.points).toHaveLength(1);
      await api
        .get('/api/tech-migrations/migrations/nope')
        .set('Authorization', user)
        .expect(404);
      await api
        .get('/api/tech-migrations/migrations')
        .set('Authorization', mockCredentials.none.header())
        .expect(401);
    });

    it('accepts facts from a service, re-evaluates, and rejects bad payloads storing nothing', async () => {
      const { api, user, service, knex } = await start(databaseId);
      await evaluate(api, user).expect(200);

      const bad = await pushFacts(api, service, {
        entities: [
          {
            entityRef: 'component:default/checkout-web',
            facts: { nodeVersion: '22' },
          },
          { entityRef: 'not a ref', facts: { 'bad name!': 1 } },
        ],
      }).expect(400);
      expect(bad.body.error.name).toBe('InputError');
      expect(bad.body.error.message).toContain(
        `'not a ref' is not an entity ref (kind:namespace/name) at "entities[1].entityRef"`,
      );
      expect(bad.body.error.message).toContain(
        'at "entities[1].facts.bad name!"',
      );

      const extra = await pushFacts(api, service, {
        entities: [],
        source: 'ci',
      }).expect(400);
      expect(extra.body.error.message).toContain(
        "Unrecognized key(s) in object: 'source'",
      );
      expect(extra.body.error.message).toContain(
        'needs at least one entity at "entities"',
      );

      const unknown = await pushFacts(api, service, {
        entities: [
          {
            entityRef: 'component:default/checkout-web',
            facts: { nodeVersion: '22' },
          },
          {
            entityRef: 'component:default/ghost',
            facts: { nodeVersion: '22' },
          },
        ],
      }).expect(400);
      expect(unknown.body.error.message).toContain(
        'not in the catalog: component:default/ghost',
      );
      expect(await knex('tm_facts')).toHaveLength(0);

      const ok = await pushFacts(api, service, {
        entities: [
          {
            entityRef: 'component:default/checkout-web',
            facts: { nodeVersion: '22' },
          },
        ],
      }).expect(200);
      expect(ok.body).toEqual({ stored: 1, reevaluated: 1 });
      const card = await api
        .get('/api/tech-migrations/entity')
        .query({ entityRef: 'component:default/checkout-web' })
        .set('Authorization', user)
        .expect(200);
      expect(card.body.items).toMatchObject([
        { migrationId: 'node-22', status: 'done' },
      ]);
    });

    it('validates a definition file and names the file and field', async () => {
      const { api, user } = await start(databaseId);
      const res = await api
        .post('/api/tech-migrations/definitions/validate')
        .set('Authorization', user)
        .send({
          file: 'catalog/migrations/java-21.yaml',
          content: PYTHON_3.replace(
            '  tags: [python]',
            '  tags: [python]\n  language: java',
          ),
        })
        .expect(400);
      expect(res.body.error.message).toBe(
        `catalog/migrations/java-21.yaml: Unrecognized key(s) in object: 'language' at "scope"`,
      );
      await api
        .post('/api/tech-migrations/definitions/validate')
        .set('Authorization', user)
        .send({ file: 'python-3.yaml', content: PYTHON_3 })
        .expect(200);
    });
  },
);
