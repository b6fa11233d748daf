import {
  coreServices,
  createBackendPlugin,
  DatabaseService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import Router from 'express-promise-router';
import request from 'supertest';
import { startBreakerBackend, statusOf } from '../__testUtils__/breakerBackend';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

/**
 * A real plugin on a real database: `GET /items` reads, `POST /items/:name` inserts (a second insert of the same
 * name is a unique-key violation: a 500 any caller can provoke, on SQLite and PostgreSQL alike), `GET /items/:name`
 * looks one up (PostgreSQL rejects a NUL byte in it with a 500).
 */
const storePlugin = createBackendPlugin({
  pluginId: 'store',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        database: coreServices.database,
      },
      async init({ httpRouter, database }) {
        const db = await database.getClient();
        if (!(await db.schema.hasTable('items'))) {
          await db.schema.createTable('items', t => {
            t.string('name', 255).primary();
          });
          await db('items').insert({ name: 'taken' });
        }
        const router = Router();
        router.get('/items', async (_req, res) => {
          res.json(await db('items').select('name').limit(10));
        });
        router.get('/items/:name', async (req, res) => {
          const row = await db('items')
            .where({ name: req.params.name })
            .first();
          res.status(row ? 200 : 404).json(row ?? {});
        });
        router.post('/items/:name', async (req, res) => {
          await db('items').insert({ name: req.params.name });
          res.status(201).json({ name: req.params.name });
        });
        httpRouter.use(router);
      },
    });
  },
});

const settings = {
  volumeThreshold: 10,
  errorThresholdPercentage: 50,
  resetTimeout: 1_000,
  rollingCountTimeout: 5_000,
  timeout: 5_000,
};

const user = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);
const READERS = ['ann', 'bob', 'cyd', 'dan', 'eve'];
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function startStore(knex: Knex, overrides: object = {}) {
  return startBreakerBackend({ defaults: { ...settings, ...overrides } }, [
    storePlugin,
    mockServices.database.factory({ knex }),
  ]);
}

/** Five callers reading `/api/store/items` in a loop until `done()`; returns every status they saw. */
function readLoop(server: any, done: () => boolean) {
  return Promise.all(
    READERS.map(async name => {
      const seen: number[] = [];
      while (!done()) {
        seen.push(
          (
            await request(server)
              .get('/api/store/items')
              .set('Authorization', user(name))
          ).status,
        );
        await sleep(20);
      }
      return seen;
    }),
  ).then(all => all.flat());
}

/** `count` requests from `caller`, `parallel` at a time, each provoking a unique-key violation (500). */
async function attack(
  server: any,
  caller: string,
  count: number,
  parallel = 4,
) {
  const statuses: number[] = [];
  let sent = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (sent < count) {
        sent++;
        statuses.push(
          (
            await request(server)
              .post('/api/store/items/taken')
              .set('Authorization', user(caller))
          ).status,
        );
      }
    }),
  );
  return statuses;
}

const status = (server: any) => statusOf(server, 'store');

const count = (statuses: number[], code: number) =>
  statuses.filter(s => s === code).length;

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** Makes the plugin's database fail for every caller: PostgreSQL refuses and cuts connections, SQLite loses the table. */
async function breakDatabase(id: TestDatabaseId, knex: Knex) {
  if (id.startsWith('POSTGRES')) {
    const database = (knex.client.config.connection as { database: string })
      .database;
    const admin = await databases.init(id);
    await admin.raw(
      `ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS false`,
    );
    await admin.raw(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()',
      [database],
    );
    return async () => {
      await admin.raw(
        `ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS true`,
      );
    };
  }
  await knex.schema.renameTable('items', 'items_away');
  return async () => {
    await knex.schema.renameTable('items_away', 'items');
  };
}

jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())(
  'failures are the plugin’s, not one caller’s, on %s',
  id => {
    it('one caller provoking 500s is throttled (429) while five others read without a single 503', async () => {
      const server = await startStore(await databases.init(id), {
        resetTimeout: 20_000,
      });
      let attacking = true;
      const reads = readLoop(server, () => !attacking);
      await sleep(300); // the portal is in use when the attack starts
      const attacker = await attack(server, 'mallory', 500, 8);
      attacking = false;
      const readerStatuses = await reads;

      expect(readerStatuses.length).toBeGreaterThan(20);
      expect(count(readerStatuses, 200)).toBe(readerStatuses.length);
      expect(count(attacker, 503)).toBe(0);
      expect(count(attacker, 500)).toBeGreaterThanOrEqual(
        settings.volumeThreshold,
      );
      expect(count(attacker, 429)).toBeGreaterThan(400);

      const store = await status(server);
      expect(store.state).toBe('closed');
      expect(store.throttledCallers).toEqual([
        expect.objectContaining({
          caller: 'user:default/mallory',
          kind: 'user',
        }),
      ]);
      // Throttling is per caller: mallory's reads are refused too, the others' are not.
      const own = await request(server)
        .get('/api/store/items')
        .set('Authorization', user('mallory'));
      expect(own.status).toBe(429);
      expect(Number(own.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(own.body.error.name).toBe('TooManyRequestsError');
    });

    it('several principals sharing nothing but the attack stay a minority: throttled each, the plugin stays up', async () => {
      const server = await startStore(await databases.init(id), {
        resetTimeout: 20_000,
      });
      let attacking = true;
      const reads = readLoop(server, () => !attacking);
      await sleep(300); // the portal is in use when the attack starts
      const attackers = ['m1', 'm2', 'm3', 'm4'];
      const results = await Promise.all(
        attackers.map(a => attack(server, a, 100, 2)),
      );
      attacking = false;
      const readerStatuses = await reads;

      expect(count(readerStatuses, 200)).toBe(readerStatuses.length);
      for (const statuses of results) {
        expect(count(statuses, 503)).toBe(0);
        expect(count(statuses, 429)).toBeGreaterThan(50);
      }
      const store = await status(server);
      expect(store.state).toBe('closed');
      expect(store.throttledCallers.map((c: any) => c.caller).sort()).toEqual(
        attackers.map(a => `user:default/${a}`),
      );
    });

    it('a real outage (the database fails for everyone) opens the breaker within a second and it closes after recovery', async () => {
      const knex = await databases.init(id);
      const server = await startStore(knex);
      let reading = true;
      const before = await readLoop(
        server,
        (() => {
          const end = Date.now() + 300;
          return () => Date.now() > end;
        })(),
      );
      expect(count(before, 200)).toBe(before.length);

      const restore = await breakDatabase(id, knex);
      const brokenAt = Date.now();
      const reads = readLoop(server, () => !reading);
      let openedAfter = -1;
      while (Date.now() - brokenAt < 5_000) {
        if ((await status(server)).state === 'open') {
          openedAfter = Date.now() - brokenAt;
          break;
        }
        await sleep(20);
      }
      await sleep(300); // readers now get 503 from the open breaker
      reading = false;
      const during = await reads;
      expect(openedAfter).toBeGreaterThanOrEqual(0);
      expect(openedAfter).toBeLessThan(1_000);
      expect(count(during, 503)).toBeGreaterThan(0);
      const open = await status(server);
      expect(open.openReason).toEqual(
        expect.objectContaining({ kind: 'outageConfirmed' }),
      );
      expect(open.openReason.failingCallers).toBeGreaterThanOrEqual(3);

      await restore();
      await sleep(settings.resetTimeout + 200);
      // The half-open trial succeeds (a fresh connection on PostgreSQL) and closes the breaker.
      const after: number[] = [];
      for (let i = 0; i < 5; i++) {
        after.push(
          (
            await request(server)
              .get('/api/store/items')
              .set('Authorization', user('ann'))
          ).status,
        );
        await sleep(50);
      }
      expect(after.slice(-3)).toEqual([200, 200, 200]);
      expect((await status(server)).state).toBe('closed');
    });
  },
);

describe('no user-triggerable 500 at the edge', () => {
  it.each(databases.eachSupportedId())(
    'answers 400 to a NUL byte in the path or query before the plugin sees it (%s)',
    async id => {
      const server = await startStore(await databases.init(id));
      for (const path of [
        '/api/store/items/%00',
        '/api/store/items/a%00b',
        '/api/store/items?filter=%00',
        '/api/store/items?x%00=1',
      ]) {
        const res = await request(server)
          .get(path)
          .set('Authorization', user('ann'));
        expect({ path, status: res.status }).toEqual({ path, status: 400 });
        expect(res.body.error.name).toBe('InputError');
        expect(res.body.error.message).toMatch(/NUL byte/);
      }
      // Valid input is unchanged, percent signs included.
      expect(
        (
          await request(server)
            .get('/api/store/items/taken')
            .set('Authorization', user('ann'))
        ).status,
      ).toBe(200);
      expect(
        (
          await request(server)
            .get('/api/store/items/%2500')
            .set('Authorization', user('ann'))
        ).status,
      ).toBe(404);
      expect(
        (
          await request(server)
            .get('/api/store/items?q=100%25')
            .set('Authorization', user('ann'))
        ).status,
      ).toBe(200);
      expect((await status(server)).stats.failures).toBe(0);
    },
  );
});
