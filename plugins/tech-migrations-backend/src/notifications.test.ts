import { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import fs from 'fs';
import knexFactory, { Knex } from 'knex';
import path from 'path';
import request from 'supertest';
import { definitionsDir } from './__fixtures__/fixtures';
import {
  evaluate,
  recordingNotifications,
  startTechMigrationsBackend,
  storeDatabases,
} from './__testUtils__/testBackend';
import { NotificationLog } from './database/NotificationLog';
import { readNotificationsConfig } from './services/notifications/config';
import { CLAIM_LEASE_MS } from './services/notifications/MigrationNotifier';

const databases = storeDatabases();
jest.setTimeout(120_000);

const ci = mockCredentials.service.header();
const DAY_MS = 24 * 60 * 60 * 1000;
/** Today plus `offset` days (UTC), as definitions write dates. */
const day = (offset: number) =>
  new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);

/** A Python 3 migration over the fixture components: three squads have one remaining entity each. */
const python3 = (title: string, start: string, target: string) => `
title: ${title}
owner: platform-tribe
startDate: '${start}'
targetDate: '${target}'
scope: { tags: [python] }
check: { fact: "metadata.annotations['example.com/python-version']", operator: '>=', value: 3 }
`;

/** One migration per stage, dated around today; reminders 7 days before the target. */
const definitions = {
  'starting.yaml': python3('Starting', day(-1), day(60)),
  'due-soon.yaml': python3('Due soon', day(-30), day(3)),
  'late.yaml': python3('Late', day(-60), day(-1)),
  'future.yaml': python3('Future', day(10), day(90)),
};
const config = {
  techMigrations: { notifications: { daysBeforeDeadline: 7 } },
};

const REMAINING: Record<string, string> = {
  'group:default/checkout-squad': 'cart-py',
  'group:default/fraud-squad': 'money-utils',
  'group:default/search-squad': 'indexer',
};
const TEAMS = Object.keys(REMAINING);
/** What the first pass must send: each squad hears the latest stage of each started migration, once. */
const FIRST_PASS = [
  ...TEAMS.map(t => `due-soon deadline ${day(3)} ${t}`),
  ...TEAMS.map(t => `late overdue ${day(-1)} ${t}`),
  ...TEAMS.map(t => `starting started ${day(-1)} ${t}`),
].sort();

type Recorder = ReturnType<typeof recordingNotifications>;
const sentKeys = (...recorders: Recorder[]) =>
  recorders
    .flatMap(r => r.sent)
    .map(n => {
      const m = n.payload.metadata as Record<string, string>;
      return `${m.migrationId} ${m.event} ${m.eventDate} ${m.teamRef}`;
    })
    .sort();

/** A backend of the plugin on `knex` whose notifications go to a recorder. */
async function replica(
  knex: Knex,
  options: {
    dir?: string;
    delayMs?: number;
    config?: Record<string, any>;
  } = {},
) {
  const recorder = recordingNotifications({ delayMs: options.delayMs });
  // The plugin's scheduled tasks, run by the test (none runs by itself).
  const tasks = new Map<string, SchedulerServiceTaskInvocationDefinition>();
  const scheduler = mockServices.scheduler.mock({
    scheduleTask: async task => {
      tasks.set(task.id, task);
    },
  });
  const backend = await startTechMigrationsBackend({
    knex,
    definitionsDir: options.dir ?? definitionsDir(definitions),
    config: options.config ?? config,
    notifications: recorder.factory,
    features: [scheduler.factory],
  });
  const api = request(backend.server);
  return {
    backend,
    recorder,
    tasks,
    runTask: (id: string) => tasks.get(id)!.fn(new AbortController().signal),
    evaluate: () => evaluate(api, ci).expect(200),
    /** POST /notify: the pass the schedule runs, with its counts. */
    notify: async () =>
      (await api.post('/api/tech-migrations/notify').set('Authorization', ci))
        .body,
  };
}

/** On PostgreSQL a second connection pool on the same database (as a second replica has); SQLite shares its one. */
function secondPool(knex: Knex): Knex {
  return knex.client.dialect === 'postgresql'
    ? knexFactory(knex.client.config)
    : knex;
}

const rows = async (knex: Knex) =>
  (
    await knex('tm_notifications')
      .select('migration_id', 'event', 'state')
      .count({ n: '*' })
      .groupBy('migration_id', 'event', 'state')
      .orderBy(['migration_id', 'event', 'state'])
  ).map((r: any) => `${r.migration_id} ${r.event} ${r.state} ${Number(r.n)}`);

describe.each(databases.eachSupportedId())(
  'owner notifications on %s',
  databaseId => {
    it('tells each owning team once per event, with its remaining entities; a moved target is a new event', async () => {
      const dir = definitionsDir(definitions);
      const knex = await databases.init(databaseId);
      const a = await replica(knex, { dir });
      await a.evaluate();

      expect(await a.notify()).toMatchObject({
        sent: 9,
        failed: 0,
        superseded: 9,
      });
      expect(sentKeys(a.recorder)).toEqual(FIRST_PASS);
      const overdue = a.recorder.sent.find(
        n =>
          n.payload.scope ===
          `tech-migrations:late:overdue:${day(
            -1,
          )}:group:default/checkout-squad`,
      )!;
      expect(overdue).toEqual({
        recipients: {
          type: 'entity',
          entityRef: 'group:default/checkout-squad',
        },
        payload: expect.objectContaining({
          title: 'Late is overdue',
          description: `checkout squad has 1 entity to migrate: cart-py. The target date was ${day(
            -1,
          )}.`,
          link: '/tech-migrations/late',
          severity: 'critical',
          topic: 'tech-migrations',
        }),
      });
      // The earlier stages of the same teams are recorded, not sent.
      expect(await rows(knex)).toEqual([
        'due-soon deadline sent 3',
        'due-soon started superseded 3',
        'late deadline superseded 3',
        'late overdue sent 3',
        'late started superseded 3',
        'starting started sent 3',
      ]);

      // Nothing new is due: nothing is sent again, on this pass or the scheduled one.
      expect(await a.notify()).toMatchObject({ sent: 0, superseded: 0 });
      await a.runTask('tech-migrations:notify');
      expect(a.recorder.sent).toHaveLength(9);

      // The target moves: the reminder of the new date goes out; the start is not announced again.
      fs.writeFileSync(
        path.join(dir, 'due-soon.yaml'),
        python3('Due soon', day(-30), day(5)),
      );
      await a.evaluate();
      expect(await a.notify()).toMatchObject({ sent: 3 });
      expect(sentKeys(a.recorder)).toEqual(
        [
          ...FIRST_PASS,
          ...TEAMS.map(t => `due-soon deadline ${day(5)} ${t}`),
        ].sort(),
      );
    });

    it('the scheduled task runs the pass', async () => {
      const a = await replica(await databases.init(databaseId));
      await a.evaluate();
      expect(a.tasks.get('tech-migrations:notify')).toMatchObject({
        frequency: { minutes: 30 },
        initialDelay: { minutes: 2 },
      });
      await a.runTask('tech-migrations:notify');
      expect(sentKeys(a.recorder)).toEqual(FIRST_PASS);
    });

    it('a restarted backend on the same database sends nothing that was sent', async () => {
      const knex = await databases.init(databaseId);
      const dir = definitionsDir(definitions);
      const first = await replica(knex, { dir });
      await first.evaluate();
      expect((await first.notify()).sent).toBe(9);
      await first.backend.stop();

      const restarted = await replica(knex, { dir });
      await restarted.evaluate();
      expect(await restarted.notify()).toMatchObject({ sent: 0, failed: 0 });
      expect(restarted.recorder.sent).toEqual([]);
    });

    it('two backends running the pass at once send each notification exactly once', async () => {
      const knex = await databases.init(databaseId);
      const other = secondPool(knex);
      try {
        const dir = definitionsDir(definitions);
        // Slow sends, so both passes are sending at the same time.
        const a = await replica(knex, { dir, delayMs: 30 });
        const b = await replica(other, { dir, delayMs: 30 });
        await a.evaluate();
        for (let round = 0; round < 3; round++) {
          const results = await Promise.all([a.notify(), b.notify()]);
          expect(results.every(r => r.failed === 0)).toBe(true);
        }
        expect(sentKeys(a.recorder, b.recorder)).toEqual(FIRST_PASS);
      } finally {
        if (other !== knex) await other.destroy();
      }
    });

    it('a failed send is retried by the next pass; a claim left by a dead pass is taken over after the lease', async () => {
      const knex = await databases.init(databaseId);
      const a = await replica(knex);
      await a.evaluate();

      a.recorder.failing = true;
      expect(await a.notify()).toMatchObject({ sent: 0, failed: 9 });
      expect(await knex('tm_notifications').where('state', 'pending')).toEqual(
        [],
      );
      a.recorder.failing = false;
      expect(await a.notify()).toMatchObject({ sent: 9, failed: 0 });
      expect(sentKeys(a.recorder)).toEqual(FIRST_PASS);

      // A pass that claimed and died (no sent mark) an hour ago, and one claiming right now.
      await knex('tm_notifications').delete();
      const log = new NotificationLog(knex);
      const key = (team: string) => ({
        migrationId: 'starting',
        teamRef: team,
        event: 'started' as const,
        eventDate: day(-1),
        state: 'pending' as const,
        remaining: 1,
      });
      const now = Date.now();
      await log.claim({
        requests: [key(TEAMS[0])],
        claim: 'dead-pass',
        now: new Date(now - CLAIM_LEASE_MS - 60_000).toISOString(),
        staleBefore: new Date(0).toISOString(), // takes nothing over
      });
      await log.claim({
        requests: [key(TEAMS[1])],
        claim: 'live-pass',
        now: new Date(now).toISOString(),
        staleBefore: new Date(0).toISOString(),
      });
      a.recorder.sent.length = 0;
      await a.notify();
      const started = sentKeys(a.recorder).filter(k =>
        k.startsWith('starting'),
      );
      // The dead pass's team is told (at-least-once); the live pass's is left to it.
      expect(started).toEqual([
        `starting started ${day(-1)} ${TEAMS[0]}`,
        `starting started ${day(-1)} ${TEAMS[2]}`,
      ]);
    });

    it('sends at most `concurrency` at once; a failing send among concurrent ones gives back only its claim', async () => {
      const knex = await databases.init(databaseId);
      const a = await replica(knex, {
        delayMs: 20,
        config: {
          techMigrations: {
            notifications: { daysBeforeDeadline: 7, concurrency: 2 },
          },
        },
      });
      await a.evaluate();
      const failingScope = `tech-migrations:late:overdue:${day(-1)}:${
        TEAMS[1]
      }`;
      a.recorder.failWhen = n => n.payload.scope === failingScope;

      expect(await a.notify()).toMatchObject({ sent: 8, failed: 1 });
      expect(a.recorder.maxInFlight).toBe(2);
      const failedKey = `late overdue ${day(-1)} ${TEAMS[1]}`;
      expect(sentKeys(a.recorder)).toEqual(
        FIRST_PASS.filter(k => k !== failedKey),
      );
      // The others are marked sent (in batches); the failed one's row is gone, nothing stays pending.
      expect(await rows(knex)).toEqual([
        'due-soon deadline sent 3',
        'due-soon started superseded 3',
        'late deadline superseded 3',
        'late overdue sent 2',
        'late started superseded 3',
        'starting started sent 3',
      ]);

      a.recorder.failWhen = undefined;
      a.recorder.sent.length = 0;
      expect(await a.notify()).toMatchObject({ sent: 1, failed: 0 });
      expect(sentKeys(a.recorder)).toEqual([failedKey]);
    });

    it('refuses a concurrency outside 1 to 16', () => {
      for (const concurrency of [0, 17, 2.5]) {
        expect(() =>
          readNotificationsConfig(
            new ConfigReader({
              techMigrations: { notifications: { concurrency } },
            }),
          ),
        ).toThrow(
          `techMigrations.notifications.concurrency must be a whole number from 1 to 16, got ${concurrency}`,
        );
      }
      expect(readNotificationsConfig(new ConfigReader({})).concurrency).toBe(8);
    });

    it('sends nothing and answers POST /notify with 404 when notifications are disabled', async () => {
      const a = await replica(await databases.init(databaseId), {
        config: { techMigrations: { notifications: { enabled: false } } },
      });
      await a.evaluate();
      expect(
        [...a.tasks.keys()].filter(id => id.startsWith('tech-migrations:')),
      ).toEqual(['tech-migrations:evaluate']);
      const res = await a.notify();
      expect(res.error).toMatchObject({ name: 'NotFoundError' });
      expect(a.recorder.sent).toEqual([]);
    });
  },
);
