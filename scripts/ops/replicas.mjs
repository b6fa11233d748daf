// Horizontal scale: two backend processes (on free ports) on one PostgreSQL database behave as one portal.
//  - catalog: both replicas serve exactly the same entities, the ones stored in final_entities;
//  - search: the catalog's search documents are the catalog's entities, each once (by entity ref);
//  - scheduled tasks run one at a time cluster-wide, on one schedule: for search's catalog collation and
//    tech-migrations' evaluation (both every few seconds here), the runs logged by both replicas never overlap in
//    time and are no more than one schedule admits (scripts/lib/run-log.mjs); with `scope: local` each replica runs
//    them on its own, about twice as often, and the count fails (runs are short: an overlap is caught when one happens);
//  - each scaffolder task runs exactly once: N tasks submitted through both replicas, each executed by exactly one
//    replica (its audit log), its event log with one "Beginning step publish", its repository with one commit;
//  - kill -9 of the replica running a task mid-task: the other replica recovers it after the stale timeout and
//    completes it, with one repository, one commit and one catalog location (scaffolder.taskRecovery).
// Reuses the recovery fixtures and harness of scripts/recovery/. Usage: yarn build:backend && node scripts/ops/replicas.mjs
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { unpackBundle, waitFor } from '../lib/built-backend.mjs';
import { freePorts, onExit } from '../lib/processes.mjs';
import {
  collationRuns,
  evaluationRuns,
  logEntries,
  scheduleReport,
} from '../lib/run-log.mjs';
import { apiClient, scaffolderBackend } from '../lib/scaffolder-harness.mjs';

const STALE_SECONDS = 5;
const TASKS = 4;
// The two scheduled tasks whose runs are checked, every few seconds so a minute holds a dozen runs each.
const SCHEDULE_SECONDS = 3;
const SCHEDULED_RUNS = 12; // runs of each task (after both replicas registered it) before the schedule is judged
let failures = 0;
const check = (ok, what, detail = '') => {
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${what}${ok || !detail ? '' : `: ${detail}`}`,
  );
  if (!ok) failures++;
};
// ISO strings, not { seconds: 3 }: an object would merge with app-config.yaml's { minutes: 2 } into 2 min 3 s.
const schedule = `{ frequency: PT${SCHEDULE_SECONDS}S, timeout: PT1M, initialDelay: PT1S, scope: global }`;
const extraConfig =
  `scaffolder:\n  taskRecovery:\n    staleTimeout: { seconds: ${STALE_SECONDS} }\n` +
  `techMigrations:\n  schedule: ${schedule}\n` +
  `search:\n  collators:\n    catalog:\n      schedule: ${schedule}\n`;
const terminal = s => ['completed', 'failed', 'cancelled'].includes(s);
const commitsOf = (dataDir, repo) =>
  execFileSync('git', ['log', '--format=%H', 'main'], {
    cwd: path.join(dataDir, 'git', `${repo}.git`),
  })
    .toString()
    .trim()
    .split('\n').length;

const [portA, portB] = await freePorts(2);
const bundle = unpackBundle();
onExit(bundle.remove); // also when interrupted (the harness drops its database and data folder itself)
const harnessA = await scaffolderBackend({
  bundle,
  db: 'pg',
  port: portA,
  extraConfig,
});
const harnessB = await scaffolderBackend({
  bundle,
  db: 'pg',
  port: portB,
  extraConfig,
  replicaOf: harnessA,
});
const replicas = {};
const sql = new pg.Client({
  host: '127.0.0.1',
  port: 5432,
  user: 'postgres',
  database: harnessA.dbName,
});
try {
  // A first, so the database schema is migrated once, then B.
  replicas.A = harnessA.start('replica A');
  const token = await harnessA.ready(replicas.A);
  replicas.B = harnessB.start('replica B');
  await harnessB.ready(replicas.B);
  check(true, 'both replicas ready on one PostgreSQL database');
  await sql.connect();
  const api = { A: apiClient(harnessA.base), B: apiClient(harnessB.base) };

  // --- catalog: both replicas serve the same entities from one store
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
      await sql.query(
        'SELECT entity_ref FROM catalog.final_entities WHERE final_entity IS NOT NULL ORDER BY entity_ref',
      )
    ).rows
      .map(r => r.entity_ref.toLowerCase())
      .sort();
  const same = (x, y) => x.length === y.length && x.every((v, i) => v === y[i]);
  // Both lists and the table change while the catalog settles; compared once they agree or at the deadline.
  let catalog;
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
  const onlyIn = (x, y) => x.filter(v => !y.includes(v)).slice(0, 5);
  check(
    catalog.A.length > 30 &&
      same(catalog.A, catalog.B) &&
      same(catalog.A, catalog.stored) &&
      new Set(catalog.A).size === catalog.A.length,
    `catalog: both replicas serve the same ${catalog.A.length} entities, each once, exactly those stored (${catalog.stored.length})`,
    `A only: ${onlyIn(catalog.A, catalog.B)}; B only: ${onlyIn(
      catalog.B,
      catalog.A,
    )}; stored only: ${onlyIn(catalog.stored, catalog.A)}; listed twice by A: ${
      catalog.A.length - new Set(catalog.A).size
    }`,
  );

  // --- search: the catalog's documents are its entities, each once (no constraint forbids a second copy: the
  // table's key is a hash of the whole document).
  const searchRefs = async () =>
    (
      await sql.query(
        `SELECT document->'authorization'->>'resourceRef' AS ref FROM search.documents
         WHERE type = 'software-catalog'`,
      )
    ).rows
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
  check(
    indexed.length >= catalog.stored.length &&
      distinct.size === indexed.length &&
      same(indexed, catalog.stored),
    `search: ${indexed.length} catalog documents, one per entity (${catalog.stored.length}), none twice`,
    `${indexed.length - distinct.size} duplicated, missing: ${onlyIn(
      catalog.stored,
      indexed,
    )}`,
  );

  // --- scheduler: one run at a time cluster-wide, on one schedule
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
  // Judged from the runs that started once both replicas had registered the task (registering may move the
  // planned start earlier): the later of the two "Registered scheduled task" log lines.
  // With the cadence configured above (the line carries the task's settings as JSON).
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
    const at = registrations(task);
    return {
      registered: at.filter(Boolean).length,
      ...scheduleReport(runsOfTask(fn), {
        frequencyMs: SCHEDULE_SECONDS * 1000,
        since: Math.max(...at.map(t => t ?? Infinity)),
      }),
    };
  };
  await waitFor(
    `${SCHEDULED_RUNS} runs of each scheduled task`,
    async () =>
      Object.entries(scheduledTasks).every(
        ([task, fn]) => reportOf(task, fn).runs.length >= SCHEDULED_RUNS,
      ),
    { timeoutMs: 120_000 },
  ).catch(() => undefined);
  const at = t => new Date(t).toISOString().slice(11, 23);
  for (const [task, fn] of Object.entries(scheduledTasks)) {
    const report = reportOf(task, fn);
    const spread = Object.entries(report.perReplica)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    check(
      report.registered === 2 && report.runs.length >= SCHEDULED_RUNS,
      `scheduler: ${task} registered on both replicas (every ${SCHEDULE_SECONDS} s), ${report.runs.length} runs logged since (${spread})`,
      `registered with that cadence on ${report.registered}`,
    );
    check(
      report.overlaps.length === 0,
      `scheduler: ${task}: no two runs overlap in time`,
      report.overlaps
        .slice(0, 3)
        .map(
          ([x, y]) =>
            `${x.replica} ${at(x.start)}-${at(x.end)} and ${y.replica} ${at(
              y.start,
            )}-${at(y.end)}`,
        )
        .join('; '),
    );
    check(
      report.runs.length >= 2 && report.runs.length <= report.allowed,
      `scheduler: ${task}: ${report.runs.length} runs, at most ${report.allowed} on one ${SCHEDULE_SECONDS} s schedule`,
      report.runs.map(x => `${x.replica}@${at(x.start)}`).join(' '),
    );
  }

  // --- scaffolder: each task once
  const { token: publishToken } = await api.A(
    token,
    'GET',
    '/api/scaffolder/local-git/publish-token',
  );
  // Submitted through either replica (as the load balancer would); any replica's worker may claim it.
  const submit = (name, waitSeconds, via = 'A') =>
    api[via](token, 'POST', '/api/scaffolder/v2/tasks', {
      templateRef: 'template:default/recovery-probe',
      values: { name, waitSeconds },
      secrets: { publishToken },
    }).then(r => r.id);
  const ids = [];
  for (let i = 0; i < TASKS; i++) {
    ids.push(await submit(`replica-${i}`, 1, i % 2 ? 'B' : 'A'));
  }
  const finished = await waitFor(
    `${TASKS} tasks to finish`,
    async () => {
      const s = await Promise.all(
        ids.map(id => api.B(token, 'GET', `/api/scaffolder/v2/tasks/${id}`)),
      );
      return s.every(t => terminal(t.status)) ? s : undefined;
    },
    { timeoutMs: 180_000 },
  );
  check(
    finished.every(t => t.status === 'completed'),
    `scaffolder: ${TASKS} tasks completed`,
    finished.map(t => t.status).join(','),
  );
  const runs = (
    await sql.query(
      `SELECT task_id, count(*)::int AS n FROM scaffolder.task_events
       WHERE event_type = 'log' AND body::json->>'message' LIKE 'Beginning step publish%' GROUP BY task_id`,
    )
  ).rows;
  const runsOf = id => runs.find(r => r.task_id === id)?.n ?? 0;
  check(
    ids.every(id => runsOf(id) === 1),
    `scaffolder: each task's publish step ran exactly once (${ids
      .map(runsOf)
      .join(', ')})`,
  );
  check(
    ids.every((_, i) => commitsOf(harnessA.dataDir, `replica-${i}`) === 1),
    'scaffolder: each task made one repository with one commit',
  );
  // The worker that runs a task writes the scaffolder's `execution` audit event (with the task id) to its own log.
  const ranOn = id =>
    Object.keys(replicas).filter(r =>
      replicas[r].log.some(
        l => l.includes('"actionType":"execution"') && l.includes(id),
      ),
    );
  check(
    ids.every(id => ranOn(id).length === 1),
    `scaffolder: each task executed by exactly one replica (${ids
      .map(id => ranOn(id).join('+') || 'none')
      .join(', ')})`,
  );

  // --- kill -9 of the replica running a task, the other completes it
  const probe = 'replica-recovered';
  const id = await submit(probe, 20);
  await waitFor(
    'the task to reach its wait step',
    async () =>
      (
        await api.A(token, 'GET', `/api/scaffolder/v2/tasks/${id}/events`)
      ).some(e => /Beginning step wait/.test(e.body.message ?? '')),
    { timeoutMs: 60_000 },
  );
  const runner = ranOn(id);
  check(
    runner.length === 1,
    `recovery: the task runs on exactly one replica (${
      runner.join('+') || 'none found in the logs'
    })`,
  );
  const victim = runner[0] ?? 'A';
  const survivor = victim === 'A' ? 'B' : 'A';
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
      const t = await api[survivor](
        token,
        'GET',
        `/api/scaffolder/v2/tasks/${id}`,
      );
      return terminal(t.status) ? t : undefined;
    },
    { backend: replicas[survivor], timeoutMs: 120_000 },
  );
  const events = await api[survivor](
    token,
    'GET',
    `/api/scaffolder/v2/tasks/${id}/events`,
  );
  check(
    done.status === 'completed' && events.some(e => e.type === 'recovered'),
    `recovery: replica ${victim} killed mid-task, replica ${survivor} recovered and completed it in ${(
      (Date.now() - killedAt) /
      1000
    ).toFixed(1)} s (stale timeout ${STALE_SECONDS} s, sweep every 10 s)`,
    done.status,
  );
  check(
    commitsOf(harnessA.dataDir, probe) === 1,
    'recovery: one repository with one commit',
  );
  const target = `https://git.localhost/${probe}/blob/main/catalog-info.yaml`;
  const locations = (
    await api[survivor](token, 'GET', '/api/catalog/locations')
  ).filter(l => l.data.target === target);
  check(
    locations.length === 1,
    `recovery: one catalog location (${locations.length})`,
  );
} catch (e) {
  check(false, e.stack ?? String(e));
  for (const [name, r] of Object.entries(replicas))
    console.log(`--- ${name}\n${r.log.slice(-30).join('\n')}`);
} finally {
  if (process.env.REPLICAS_DUMP) {
    for (const [name, r] of Object.entries(replicas)) {
      (await import('node:fs')).writeFileSync(
        `${process.env.REPLICAS_DUMP}-${name}.log`,
        r.log.join('\n'),
      );
    }
  }
  await sql.end().catch(() => {});
  for (const r of Object.values(replicas)) await r.stop();
  await harnessB.cleanup();
  await harnessA.cleanup();
  bundle.remove();
}
console.log(
  failures
    ? `${failures} replica check(s) failed`
    : 'all replica checks passed',
);
process.exit(failures ? 1 : 0);
