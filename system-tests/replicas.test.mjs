// Horizontal scale: two backend processes (on free ports) on one PostgreSQL database behave as one portal.
//  - catalog: both replicas serve exactly the same entities, the ones stored in final_entities;
//  - search: the catalog's search documents are the catalog's entities, each once (by entity ref);
//  - scheduled tasks run one at a time cluster-wide, on one schedule: for search's catalog collation and
//    tech-migrations' evaluation (both every few seconds here), the runs logged by both replicas never overlap in
//    time and are no more than one schedule admits (lib/run-log.mjs); with `scope: local` each replica runs them on
//    its own, about twice as often, and the count fails (runs are short: an overlap is caught when one happens);
//  - each scaffolder task runs exactly once: N tasks submitted through both replicas, each executed by exactly one
//    replica (its audit log), its event log with one "Beginning step publish", its repository with one commit;
//  - kill -9 of the replica running a task mid-task: the other replica recovers it after the stale timeout and
//    completes it, with one repository, one commit and one catalog location (scaffolder.taskRecovery).
// Reuses the recovery test's fixtures and harness. REPLICAS_DUMP=<prefix> writes both backends' logs to
// <prefix>-A.log and <prefix>-B.log.
// Usage: flock /tmp/backstage-build.lock node --test --test-reporter=spec system-tests/replicas.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  freePorts,
  logTailOnFailure,
  onExit,
  sql,
  unpackBundle,
  waitFor,
} from './lib/backend.mjs';
import {
  collationRuns,
  evaluationRuns,
  logEntries,
  scheduleReport,
} from './lib/run-log.mjs';
import { apiClient, scaffolderBackend } from './lib/scaffolder-harness.mjs';

const STALE_SECONDS = 5;
const TASKS = 4;
// The two scheduled tasks whose runs are checked, every few seconds so a minute holds a dozen runs each.
const SCHEDULE_SECONDS = 3;
const SCHEDULED_RUNS = 12; // runs of each task (after both replicas registered it) before the schedule is judged
// ISO strings, not { seconds: 3 }: an object would merge with app-config.yaml's { minutes: 2 } into 2 min 3 s.
const schedule = `{ frequency: PT${SCHEDULE_SECONDS}S, timeout: PT1M, initialDelay: PT1S, scope: global }`;
const extraConfig =
  `scaffolder:\n  taskRecovery:\n    staleTimeout: { seconds: ${STALE_SECONDS} }\n` +
  `techMigrations:\n  schedule: ${schedule}\n` +
  `search:\n  collators:\n    catalog:\n      schedule: ${schedule}\n`;
const terminal = s => ['completed', 'failed', 'cancelled'].includes(s);
const same = (x, y) => x.length === y.length && x.every((v, i) => v === y[i]);
const onlyIn = (x, y) => x.filter(v => !y.includes(v)).slice(0, 5);
const at = t => new Date(t).toISOString().slice(11, 23);

let bundle;
let keepBundle;
let harnessA;
let harnessB;
const replicas = {};
let token;
let api;
const query = async text => sql(harnessA.dbName, text);
const commitsOf = repo =>
  execFileSync('git', ['log', '--format=%H', 'main'], {
    cwd: path.join(harnessA.dataDir, 'git', `${repo}.git`),
  })
    .toString()
    .trim()
    .split('\n').length;
// The worker that runs a task writes the scaffolder's `execution` audit event (with the task id) to its own log.
const ranOn = id =>
  Object.keys(replicas).filter(r =>
    replicas[r].log.some(
      l => l.includes('"actionType":"execution"') && l.includes(id),
    ),
  );

before(async () => {
  const [portA, portB] = await freePorts(2);
  bundle = unpackBundle();
  // Also when interrupted (the harness drops its database and data folder itself).
  keepBundle = onExit(bundle.remove);
  harnessA = await scaffolderBackend({
    bundle,
    db: 'pg',
    port: portA,
    extraConfig,
  });
  harnessB = await scaffolderBackend({
    bundle,
    db: 'pg',
    port: portB,
    extraConfig,
    replicaOf: harnessA,
  });
  // A first, so the database schema is migrated once, then B.
  replicas.A = harnessA.start('replica A');
  token = await harnessA.ready(replicas.A);
  replicas.B = harnessB.start('replica B');
  await harnessB.ready(replicas.B);
  api = { A: apiClient(harnessA.base), B: apiClient(harnessB.base) };
});
after(async () => {
  if (process.env.REPLICAS_DUMP) {
    for (const [name, r] of Object.entries(replicas)) {
      writeFileSync(
        `${process.env.REPLICAS_DUMP}-${name}.log`,
        r.log.join('\n'),
      );
    }
  }
  for (const r of Object.values(replicas)) await r.stop();
  await harnessB?.cleanup();
  await harnessA?.cleanup();
  bundle?.remove();
  keepBundle?.();
});
afterEach(logTailOnFailure(() => replicas, { lines: 30 }));

test('both replicas are ready on one PostgreSQL database', async () => {
  for (const h of [harnessA, harnessB]) {
    assert.equal(
      (await fetch(`${h.base}/.backstage/health/v1/readiness`)).status,
      200,
      h.base,
    );
  }
});

let catalog;
test('catalog: both replicas serve the same entities, each once, exactly those stored', async t => {
  const entityRefs = async via => {
    const refs = [];
    let cursor;
    do {
      const page = await api[via](
        token,
        'GET',
        `/api/catalog/entities/by-query?fields=kind,metadata.namespace,metadata.name&limit=200${
          cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
        }`,
      );
      refs.push(
        ...page.items.map(e =>
          `${e.kind}:${e.metadata.namespace}/${e.metadata.name}`.toLowerCase(),
        ),
      );
      cursor = page.pageInfo?.nextCursor;
    } while (cursor);
    return refs.sort();
  };
  const storedRefs = async () =>
    (
      await query(
        'SELECT entity_ref FROM catalog.final_entities WHERE final_entity IS NOT NULL ORDER BY entity_ref',
      )
    )
      .map(r => r.entity_ref.toLowerCase())
      .sort();
  // Both lists and the table change while the catalog settles; compared once they agree or at the deadline.
  await waitFor(
    'both replicas to serve the stored catalog',
    async () => {
      catalog = {
        A: await entityRefs('A'),
        B: await entityRefs('B'),
        stored: await storedRefs(),
      };
      return (
        catalog.A.length > 30 &&
        same(catalog.A, catalog.B) &&
        same(catalog.A, catalog.stored)
      );
    },
    { timeoutMs: 120_000 },
  ).catch(() => undefined);
  t.diagnostic(
    `${catalog.A.length} entities served by A, ${catalog.B.length} by B, ${catalog.stored.length} stored`,
  );
  assert.ok(catalog.A.length > 30, `only ${catalog.A.length} entities`);
  assert.deepEqual(catalog.B, catalog.A, 'B differs from A');
  assert.deepEqual(catalog.A, catalog.stored, 'A differs from the store');
  assert.equal(
    new Set(catalog.A).size,
    catalog.A.length,
    'entities listed twice by A',
  );
});

test('search: the catalog documents are the catalog entities, one each, none twice', async t => {
  // No constraint forbids a second copy: the table's key is a hash of the whole document.
  const searchRefs = async () =>
    (
      await query(
        `SELECT document->'authorization'->>'resourceRef' AS ref FROM search.documents
         WHERE type = 'software-catalog'`,
      )
    )
      .map(r => r.ref?.toLowerCase())
      .sort();
  let indexed = [];
  await waitFor(
    'the search index to hold the catalog',
    async () => {
      indexed = await searchRefs();
      return same(indexed, catalog.stored);
    },
    { timeoutMs: 60_000 },
  ).catch(() => undefined);
  const distinct = new Set(indexed);
  t.diagnostic(
    `${indexed.length} catalog documents for ${catalog.stored.length} entities`,
  );
  assert.ok(indexed.length >= catalog.stored.length, 'documents missing');
  assert.equal(distinct.size, indexed.length, 'documents indexed twice');
  assert.deepEqual(
    indexed,
    catalog.stored,
    `missing: ${onlyIn(catalog.stored, indexed)}`,
  );
});

describe('scheduler: one run at a time cluster-wide, on one schedule', () => {
  const scheduledTasks = {
    search_index_software_catalog: collationRuns,
    'tech-migrations:evaluate': evaluationRuns,
  };
  const runsOfTask = fn =>
    Object.fromEntries(
      Object.entries(replicas).map(([name, r]) => [
        name,
        fn(logEntries(r.log)),
      ]),
    );
  // Judged from the runs that started once both replicas had registered the task (registering may move the planned
  // start earlier): the later of the two "Registered scheduled task" log lines with the cadence configured above
  // (the line carries the task's settings as JSON).
  const registrations = task =>
    Object.values(replicas).map(
      r =>
        logEntries(r.log).find(
          e =>
            e.message.startsWith(`Registered scheduled task: ${task},`) &&
            e.message.includes(`"cadence":"PT${SCHEDULE_SECONDS}S"`),
        )?.at,
    );
  const reportOf = (task, fn) => {
    const registered = registrations(task);
    return {
      registered: registered.filter(Boolean).length,
      ...scheduleReport(runsOfTask(fn), {
        frequencyMs: SCHEDULE_SECONDS * 1000,
        since: Math.max(...registered.map(x => x ?? Infinity)),
      }),
    };
  };
  const reports = {};
  before(async () => {
    await waitFor(
      `${SCHEDULED_RUNS} runs of each scheduled task`,
      async () =>
        Object.entries(scheduledTasks).every(
          ([task, fn]) => reportOf(task, fn).runs.length >= SCHEDULED_RUNS,
        ),
      { timeoutMs: 120_000 },
    ).catch(() => undefined);
    for (const [task, fn] of Object.entries(scheduledTasks)) {
      reports[task] = reportOf(task, fn);
    }
  });

  for (const task of Object.keys(scheduledTasks)) {
    test(`${task} is registered on both replicas (every ${SCHEDULE_SECONDS} s) and runs`, t => {
      const report = reports[task];
      t.diagnostic(
        `${report.runs.length} runs logged since (${Object.entries(
          report.perReplica,
        )
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')})`,
      );
      assert.equal(report.registered, 2, 'replicas with that cadence');
      assert.ok(
        report.runs.length >= SCHEDULED_RUNS,
        `${report.runs.length} runs`,
      );
    });

    test(`${task}: no two runs overlap in time`, () => {
      assert.deepEqual(
        reports[task].overlaps.map(
          ([x, y]) =>
            `${x.replica} ${at(x.start)}-${at(x.end)} and ${y.replica} ${at(
              y.start,
            )}-${at(y.end)}`,
        ),
        [],
      );
    });

    test(`${task}: no more runs than one ${SCHEDULE_SECONDS} s schedule admits`, t => {
      const report = reports[task];
      t.diagnostic(
        `${report.runs.length} runs, at most ${report.allowed} allowed`,
      );
      const runs = report.runs
        .map(x => `${x.replica}@${at(x.start)}`)
        .join(' ');
      assert.ok(report.runs.length >= 2, runs);
      assert.ok(report.runs.length <= report.allowed, runs);
    });
  }
});

describe('scaffolder: each task runs once; kill -9 of the replica running one', () => {
  let submit;
  before(async () => {
    const { token: publishToken } = await api.A(
      token,
      'GET',
      '/api/scaffolder/local-git/publish-token',
    );
    // Submitted through either replica (as the load balancer would); any replica's worker may claim it.
    submit = (name, waitSeconds, via = 'A') =>
      api[via](token, 'POST', '/api/scaffolder/v2/tasks', {
        templateRef: 'template:default/recovery-probe',
        values: { name, waitSeconds },
        secrets: { publishToken },
      }).then(r => r.id);
  });

  describe(`${TASKS} tasks submitted through both replicas`, () => {
    const ids = [];
    let finished;
    before(async () => {
      for (let i = 0; i < TASKS; i++) {
        ids.push(await submit(`replica-${i}`, 1, i % 2 ? 'B' : 'A'));
      }
      finished = await waitFor(
        `${TASKS} tasks to finish`,
        async () => {
          const s = await Promise.all(
            ids.map(id =>
              api.B(token, 'GET', `/api/scaffolder/v2/tasks/${id}`),
            ),
          );
          return s.every(x => terminal(x.status)) ? s : undefined;
        },
        { timeoutMs: 180_000 },
      );
    });

    test('every task completed', () => {
      assert.deepEqual(
        finished.map(x => x.status),
        Array(TASKS).fill('completed'),
      );
    });

    test("each task's publish step ran exactly once", async () => {
      const runs = await query(
        `SELECT task_id, count(*)::int AS n FROM scaffolder.task_events
         WHERE event_type = 'log' AND body::json->>'message' LIKE 'Beginning step publish%' GROUP BY task_id`,
      );
      const runsOf = id => runs.find(r => r.task_id === id)?.n ?? 0;
      assert.deepEqual(ids.map(runsOf), Array(TASKS).fill(1));
    });

    test('each task made one repository with one commit', () => {
      assert.deepEqual(
        ids.map((_, i) => commitsOf(`replica-${i}`)),
        Array(TASKS).fill(1),
      );
    });

    test('each task was executed by exactly one replica', t => {
      const ranOnEach = ids.map(id => ranOn(id).join('+') || 'none');
      t.diagnostic(`executed by ${ranOnEach.join(', ')}`);
      assert.ok(
        ids.every(id => ranOn(id).length === 1),
        ranOnEach.join(', '),
      );
    });
  });

  describe('kill -9 of the replica running a task: the other recovers it', () => {
    const probe = 'replica-recovered';
    let id;
    let victim;
    let survivor;
    before(async () => {
      id = await submit(probe, 20);
      await waitFor(
        'the task to reach its wait step',
        async () =>
          (
            await api.A(token, 'GET', `/api/scaffolder/v2/tasks/${id}/events`)
          ).some(e => /Beginning step wait/.test(e.body.message ?? '')),
        { timeoutMs: 60_000 },
      );
    });

    test('the task runs on exactly one replica', () => {
      const runner = ranOn(id);
      victim = runner[0] ?? 'A';
      survivor = victim === 'A' ? 'B' : 'A';
      assert.equal(
        runner.length,
        1,
        `ran on ${runner.join('+') || 'none found in the logs'}`,
      );
    });

    test('the other replica recovers and completes it', async t => {
      execFileSync('kill', ['-9', String(replicas[victim].pid)]);
      const killedAt = Date.now();
      await waitFor(
        'the killed replica to exit',
        async () => replicas[victim].exited(),
        { timeoutMs: 10_000 },
      );
      const done = await waitFor(
        `replica ${survivor} to recover and finish the task`,
        async () => {
          const x = await api[survivor](
            token,
            'GET',
            `/api/scaffolder/v2/tasks/${id}`,
          );
          return terminal(x.status) ? x : undefined;
        },
        { backend: replicas[survivor], timeoutMs: 120_000 },
      );
      t.diagnostic(
        `replica ${victim} killed mid-task, replica ${survivor} completed it in ${(
          (Date.now() - killedAt) /
          1000
        ).toFixed(1)} s (stale timeout ${STALE_SECONDS} s, sweep every 10 s)`,
      );
      const events = await api[survivor](
        token,
        'GET',
        `/api/scaffolder/v2/tasks/${id}/events`,
      );
      assert.equal(done.status, 'completed');
      assert.ok(
        events.some(e => e.type === 'recovered'),
        'no recovered event',
      );
    });

    test('one repository with one commit', () => {
      assert.equal(commitsOf(probe), 1);
    });

    test('one catalog location', async () => {
      const target = `https://git.localhost/${probe}/blob/main/catalog-info.yaml`;
      const locations = (
        await api[survivor](token, 'GET', '/api/catalog/locations')
      ).filter(l => l.data.target === target);
      assert.equal(locations.length, 1);
    });
  });
});
