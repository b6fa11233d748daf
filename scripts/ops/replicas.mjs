// Horizontal scale: two backend processes (ports 7560 and 7561) on one PostgreSQL database behave as one portal.
//  - catalog processing is shared: both replicas serve the same entities, and the database holds each entity once
//    (refresh_state, final_entities, search documents), with each scheduled task registered once cluster-wide;
//  - each scaffolder task runs exactly once: N tasks submitted through both replicas, each executed by exactly one
//    replica (its audit log), its event log with one "Beginning step publish", its repository with one commit;
//  - kill -9 of the replica running a task mid-task: the other replica recovers it after the stale timeout and
//    completes it, with one repository, one commit and one catalog location (scaffolder.taskRecovery).
// Reuses the recovery fixtures and harness of scripts/recovery/. Usage: yarn build:backend && node scripts/ops/replicas.mjs
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { unpackBundle, waitFor } from '../lib/built-backend.mjs';
import { apiClient, scaffolderBackend } from '../lib/scaffolder-harness.mjs';

const STALE_SECONDS = 5;
const TASKS = 4;
let failures = 0;
const check = (ok, what, detail = '') => {
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${what}${ok || !detail ? '' : `: ${detail}`}`,
  );
  if (!ok) failures++;
};
const extraConfig = `scaffolder:\n  taskRecovery:\n    staleTimeout: { seconds: ${STALE_SECONDS} }\n`;
const terminal = s => ['completed', 'failed', 'cancelled'].includes(s);
const commitsOf = (dataDir, repo) =>
  execFileSync('git', ['log', '--format=%H', 'main'], {
    cwd: path.join(dataDir, 'git', `${repo}.git`),
  })
    .toString()
    .trim()
    .split('\n').length;

const bundle = unpackBundle();
const harnessA = await scaffolderBackend({
  bundle,
  db: 'pg',
  port: 7560,
  extraConfig,
});
const harnessB = await scaffolderBackend({
  bundle,
  db: 'pg',
  port: 7561,
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

  // --- catalog: shared processing
  const count = async q => (await sql.query(q)).rows[0].n;
  const stable = await waitFor(
    'the catalog to settle',
    async () => {
      const a = await api.A(
        token,
        'GET',
        '/api/catalog/entities/by-query?limit=1',
      );
      const b = await api.B(
        token,
        'GET',
        '/api/catalog/entities/by-query?limit=1',
      );
      const final = await count(
        'SELECT count(*)::int AS n FROM catalog.final_entities WHERE final_entity IS NOT NULL',
      );
      return a.totalItems > 30 &&
        a.totalItems === b.totalItems &&
        final === a.totalItems
        ? { a, b, final }
        : undefined;
    },
    { timeoutMs: 120_000 },
  );
  check(
    true,
    `catalog: both replicas serve the same ${stable.a.totalItems} entities, ${stable.final} stored once each`,
  );
  const dupRefresh = await count(
    'SELECT count(*)::int AS n FROM (SELECT entity_ref FROM catalog.refresh_state GROUP BY entity_ref HAVING count(*) > 1) d',
  );
  const refreshRows = await count(
    'SELECT count(*)::int AS n FROM catalog.refresh_state',
  );
  check(
    dupRefresh === 0,
    `catalog: ${refreshRows} refresh_state rows, no entity twice (${dupRefresh} duplicated)`,
  );
  const dupSearch = await count(
    `SELECT count(*)::int AS n FROM (SELECT type, document->>'location' AS loc FROM search.documents
     GROUP BY 1, 2 HAVING count(*) > 1) d`,
  ).catch(() => 0);
  check(
    dupSearch === 0,
    `search: no document indexed twice (${dupSearch} duplicated)`,
  );
  const schedulerSchemas = (
    await sql.query(
      `SELECT table_schema FROM information_schema.tables WHERE table_name = 'backstage_backend_tasks__tasks'`,
    )
  ).rows.map(r => r.table_schema);
  const scheduled = [];
  for (const schema of schedulerSchemas) {
    const { rows } = await sql.query(
      `SELECT id FROM "${schema}".backstage_backend_tasks__tasks`,
    );
    scheduled.push(...rows.map(r => `${schema}/${r.id}`));
  }
  check(
    scheduled.length > 0 && new Set(scheduled).size === scheduled.length,
    `scheduler: ${scheduled.length} scheduled tasks registered once each across both replicas (one run at a time cluster-wide)`,
  );

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
