import knexFactory, { Knex } from 'knex';
import { component, definitionsDir } from '../__fixtures__/fixtures';
import {
  defaultDefinitions,
  migrationService,
  storeDatabases,
} from '../__testUtils__/testBackend';
import { MigrationService } from './MigrationService';

const databases = storeDatabases();
jest.setTimeout(120_000);

/** Every component is in scope of both migrations: a pass stores exactly 2 × COMPONENTS status rows. */
const COMPONENTS = 1500;
const SQUADS = ['checkout-squad', 'fraud-squad', 'search-squad'];
const catalog = Array.from({ length: COMPONENTS }, (_, i) =>
  component(`svc-${i}`, {
    owner: SQUADS[i % SQUADS.length],
    tags: ['python', 'typescript'],
    annotations: { 'example.com/python-version': i % 2 ? '3.12' : '2.7' },
  }),
);
const refOf = (i: number) => `component:default/svc-${i}`;

/**
 * Two replicas: two services, each with its own store. On PostgreSQL each has its own connection pool on the one
 * database (as two backends would); SQLite is single-process, both share the connection.
 */
async function twoReplicas(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  const clients: Knex[] = [knex];
  if (knex.client.dialect === 'postgresql') {
    clients.push(knexFactory(knex.client.config));
  } else {
    clients.push(knex);
  }
  const dir = definitionsDir(defaultDefinitions());
  const replicas: MigrationService[] = [];
  // One after the other, as the Knex migrations run at start-up (not what this test is about).
  for (const client of clients) {
    const { service } = await migrationService({
      knex: client,
      definitionsDir: dir,
      listEntities: async () => catalog,
      now: () => new Date('2026-05-01T12:00:00Z'),
    });
    replicas.push(service);
  }
  const lookup = async (refs: string[]) =>
    refs.map(ref => catalog[Number(ref.replace(refOf(0).slice(0, -1), ''))]);
  const cleanup = async () => {
    if (clients[1] !== knex) await clients[1].destroy();
  };
  return { knex, replicas, lookup, cleanup };
}

/** What the tables hold: counts that must be exact after any number of passes. */
async function tableState(knex: Knex) {
  const count = async (table: string) =>
    Number((await knex(table).count({ n: '*' }))[0].n);
  const status = await knex('tm_entity_status')
    .select('migration_id', 'status')
    .count({ n: '*' })
    .groupBy('migration_id', 'status')
    .orderBy(['migration_id', 'status']);
  const snapshots = await knex('tm_snapshots')
    .select('migration_id', 'team_ref', 'done', 'remaining', 'exempt')
    .orderBy(['migration_id', 'team_ref']);
  return {
    migrations: await count('tm_migrations'),
    statusRows: await count('tm_entity_status'),
    status: status.map(
      (r: any) => `${r.migration_id} ${r.status} ${Number(r.n)}`,
    ),
    snapshots: snapshots.map(
      r =>
        `${r.migration_id} ${r.team_ref} ${Number(r.done)}/${Number(
          r.remaining,
        )}/${Number(r.exempt)}`,
    ),
  };
}

describe.each(databases.eachSupportedId())(
  'two replicas evaluating at once on %p',
  databaseId => {
    it('full passes at the same time end with exactly one pass worth of rows', async () => {
      const { knex, replicas, cleanup } = await twoReplicas(databaseId);
      try {
        await replicas[0].evaluateAll();
        const expected = await tableState(knex);
        expect(expected.migrations).toBe(2);
        expect(expected.statusRows).toBe(2 * COMPONENTS);
        expect(expected.status).toEqual([
          `node-22 remaining ${COMPONENTS}`,
          `python-3 done ${COMPONENTS / 2}`,
          `python-3 remaining ${COMPONENTS / 2}`,
        ]);
        expect(expected.snapshots).toHaveLength(2 * SQUADS.length);

        for (let round = 0; round < 4; round++) {
          // Every pass must succeed (no duplicate key from an interleaved delete-then-insert)...
          await Promise.all(replicas.map(r => r.evaluateAll()));
          // ...and leave no duplicates and no missing rows.
          expect(await tableState(knex)).toEqual(expected);
        }
      } finally {
        await cleanup();
      }
    });

    it('a fact push during a full pass on the other replica is neither lost nor doubled', async () => {
      const { knex, replicas, lookup, cleanup } = await twoReplicas(databaseId);
      try {
        await replicas[0].evaluateAll();
        const pushed = Array.from({ length: 300 }, (_, i) => refOf(i * 5));
        await Promise.all([
          replicas[0].evaluateAll(),
          replicas[1].pushFacts(
            {
              entities: pushed.map(entityRef => ({
                entityRef,
                facts: { nodeVersion: '22.11.0' },
              })),
            },
            'ci',
            lookup,
          ),
          replicas[1].evaluateAll(),
        ]);
        const state = await tableState(knex);
        expect(state.statusRows).toBe(2 * COMPONENTS);
        expect(state.status).toEqual([
          `node-22 done ${pushed.length}`,
          `node-22 remaining ${COMPONENTS - pushed.length}`,
          `python-3 done ${COMPONENTS / 2}`,
          `python-3 remaining ${COMPONENTS / 2}`,
        ]);
        const done = await knex('tm_entity_status')
          .where({ migration_id: 'node-22', status: 'done' })
          .orderBy('entity_ref')
          .pluck('entity_ref');
        expect(done).toEqual([...pushed].sort());
      } finally {
        await cleanup();
      }
    });
  },
);
