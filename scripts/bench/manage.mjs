// Manage page: server time of a team summary at scale, on the built backend and PostgreSQL.
// Seeds 200 squads in 20 tribes owning 20,000 entities, with 12 months of the 7 KPIs (1.68M samples), then
// times GET /api/manage/teams/:ref/summary for a squad owning 500 entities and for its tribe of 10 squads
// (server time from the Server-Timing header, and the client round trip), and the backend's RSS growth.
// The backend is started twice on the same seeded database, alternating: the portal's permission policy deciding,
// then permissions off; the last lines print the two medians side by side.
// Usage: yarn build:backend && yarn bench:manage [--requests 30]
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  guestToken,
  startBackend,
  unpackBundle,
  waitFor,
} from '../lib/built-backend.mjs';
import { freePort } from '../lib/processes.mjs';

const { values: opts } = parseArgs({
  options: {
    requests: { type: 'string', default: '30' },
    // Keeps the seeded database, to EXPLAIN the summary's queries by hand.
    keep: { type: 'boolean', default: false },
  },
});
const requests = Number(opts.requests);
const port = await freePort();
const base = `http://localhost:${port}`;
const dbName = `backstage_manage_bench_${process.pid}`;
const TRIBES = 20;
const SQUADS_PER_TRIBE = 10;
const ENTITIES = 20_000;
const BIG_SQUAD_ENTITIES = 500;
const KPIS = ['cloud-cost', 'incidents', 'incident-repair-minutes', 'security-issues-critical',
  'security-issues-high', 'security-issues-medium', 'security-issues-low'];
// The 12 months ending with the current one (UTC): the KPI API refuses future months, so fixed months would break
// the benchmark a year earlier and age out of the trend window a year later.
const now = new Date();
const PERIODS = Array.from({ length: 12 }, (_, i) => {
  const index = now.getUTCFullYear() * 12 + now.getUTCMonth() - 11 + i;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
});

const rssMb = pid =>
  Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

async function seed(client) {
  const groups = [];
  const squads = [];
  for (let t = 0; t < TRIBES; t++) {
    const tribe = `group:default/bench-tribe-${t}`;
    groups.push([tribe, null, `Bench Tribe ${t}`, 'tribe']);
    for (let s = 0; s < SQUADS_PER_TRIBE; s++) {
      const squad = `group:default/bench-squad-${t}-${s}`;
      groups.push([squad, tribe, `Bench Squad ${t}-${s}`, 'squad']);
      squads.push(squad);
    }
  }
  const owners = [
    ...Array(BIG_SQUAD_ENTITIES).fill(squads[0]),
    ...Array.from({ length: ENTITIES - BIG_SQUAD_ENTITIES }, (_, i) => squads[1 + (i % (squads.length - 1))]),
  ];
  await client.query('BEGIN');
  await client.query('DELETE FROM manage.manage_kpi_samples');
  await client.query('DELETE FROM manage.manage_entities');
  await client.query('DELETE FROM manage.manage_groups');
  await client.query(
    `INSERT INTO manage.manage_groups (group_ref, parent_ref, title, type)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
    [0, 1, 2, 3].map(c => groups.map(g => g[c])),
  );
  await client.query(
    `INSERT INTO manage.manage_entities (entity_ref, kind, type, lifecycle, title, owner_ref)
     SELECT 'component:default/bench-' || i, 'Component', (ARRAY['service','website','library'])[1 + i % 3],
            'production', NULL, o
     FROM unnest($1::text[]) WITH ORDINALITY AS t(o, i)`,
    [owners],
  );
  // 12 months x 7 KPIs per entity, generated in the database.
  await client.query(
    `INSERT INTO manage.manage_kpi_samples (entity_ref, kpi, period, value, source, updated_at)
     SELECT e.entity_ref, k, p, round((random() * 1000)::numeric, 2), 'bench', now()
     FROM manage.manage_entities e, unnest($1::text[]) k, unnest($2::text[]) p`,
    [KPIS, PERIODS],
  );
  await client.query('COMMIT');
  // What autovacuum does to a table at rest: statistics, and the visibility map that lets the covering index
  // answer the aggregates without reading the table.
  await client.query('VACUUM ANALYZE manage.manage_groups, manage.manage_entities, manage.manage_kpi_samples');
  return { squad: squads[0], tribe: 'group:default/bench-tribe-0' };
}

async function time(token, ref) {
  const server = [];
  const client = [];
  const parts = {};
  let body;
  for (let i = 0; i < requests + 3; i++) {
    const started = performance.now();
    const res = await fetch(`${base}/api/manage/teams/${encodeURIComponent(ref)}/summary`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!res.ok) throw new Error(`${ref}: ${res.status} ${await res.text()}`);
    body = await res.json();
    if (i < 3) continue; // warm-up
    client.push(performance.now() - started);
    const timing = Object.fromEntries(
      res.headers.get('server-timing').split(', ').map(e => e.split(';dur=')).map(([k, v]) => [k, Number(v)]),
    );
    server.push(timing.total);
    for (const [k, v] of Object.entries(timing)) (parts[k] ??= []).push(v);
  }
  return { server, client, parts, body };
}

const bundle = unpackBundle();
const dataDir = mkdtempSync(path.join(tmpdir(), 'manage-bench-'));
const admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);

// The same seeded database served twice, alternating: with the portal's permission policy deciding (the guest is
// made an ordinary member, as a product engineer is in production) and with permissions switched off, which is what
// allow-all costs at most (allow-all still makes the same permission round trips, so the real gap is smaller).
const MODES = {
  policy: 'permission:\n  enabled: true\n  policy:\n    adminUsers: []\n',
  'permissions off': 'permission:\n  enabled: false\n',
};
function startMode(mode) {
  const override = path.join(dataDir, `app-config.bench-${mode.replace(' ', '-')}.yaml`);
  // The catalog mirror is held off (first run in an hour) so it does not replace the seeded org; no demo KPIs.
  writeFileSync(
    override,
    `backend:\n  baseUrl: ${base}\n  listen: { port: ${port} }\n  database:\n    client: pg\n    pluginDivisionMode: schema\n` +
      `    connection: { host: 127.0.0.1, port: 5432, user: postgres, database: ${dbName} }\n` +
      `manage:\n  catalogSync: { frequency: { hours: 1 }, timeout: { minutes: 5 }, initialDelay: { hours: 1 } }\n  kpiSources: []\n` +
      MODES[mode],
  );
  return startBackend({
    bundleDir: bundle.dir,
    name: `manage-bench (${mode})`,
    cwd: path.join(bundle.dir, 'packages/backend'),
    configs: ['../../app-config.yaml', override],
    env: { NODE_ENV: 'development', BACKSTAGE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  });
}

const db = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: dbName });
let backend;
try {
  const runs = { policy: { squad: [], tribe: [] }, 'permissions off': { squad: [], tribe: [] } };
  let seeded;
  for (const mode of ['policy', 'permissions off', 'policy', 'permissions off']) {
    backend = startMode(mode);
    await waitFor('readiness', async () => (await fetch(`${base}/.backstage/health/v1/readiness`)).ok, { backend });
    const token = await guestToken(base);
    if (!seeded) {
      await db.connect();
      const seedStart = performance.now();
      const teams = await seed(db);
      seeded = { ...teams, seconds: (performance.now() - seedStart) / 1000 };
      console.log(`seeded ${TRIBES * SQUADS_PER_TRIBE} squads in ${TRIBES} tribes, ${ENTITIES} entities, ` +
        `${ENTITIES * KPIS.length * PERIODS.length} KPI samples in ${seeded.seconds.toFixed(1)} s (PostgreSQL)`);
    }
    const rssBefore = rssMb(backend.pid);
    const squadRun = await time(token, seeded.squad);
    const tribeRun = await time(token, seeded.tribe);
    const rssAfter = rssMb(backend.pid);
    runs[mode].squad.push(...squadRun.server);
    runs[mode].tribe.push(...tribeRun.server);
    console.log(`[${mode}]`);
    for (const [label, run] of [[`squad owning ${squadRun.body.owned.total} entities`, squadRun],
      [`tribe of ${tribeRun.body.subTeams.length} squads owning ${tribeRun.body.owned.total} entities`, tribeRun]]) {
      console.log(
        `summary, ${label}: server median ${percentile(run.server, 0.5).toFixed(1)} ms, p95 ` +
          `${percentile(run.server, 0.95).toFixed(1)} ms (target < 200 ms); client median ` +
          `${percentile(run.client, 0.5).toFixed(1)} ms; ${run.body.trend.length} months trended, ` +
          `${run.body.owned.entities.length} listed`,
      );
      console.log(
        `  median per part: ${Object.entries(run.parts)
          .filter(([k]) => k !== 'total')
          .map(([k, v]) => `${k} ${percentile(v, 0.5).toFixed(1)} ms`)
          .join(', ')}`,
      );
    }
    console.log(
      `backend RSS ${rssBefore.toFixed(0)} MB before, ${rssAfter.toFixed(0)} MB after ${2 * (requests + 3)} summaries ` +
        `(growth ${(rssAfter - rssBefore).toFixed(0)} MB)`,
    );
    await backend.stop();
  }
  for (const team of ['squad', 'tribe']) {
    const on = percentile(runs.policy[team], 0.5);
    const off = percentile(runs['permissions off'][team], 0.5);
    console.log(`${team} summary server median: policy ${on.toFixed(1)} ms vs permissions off ${off.toFixed(1)} ms ` +
      `(ratio ${(on / off).toFixed(2)}, two alternating rounds each)`);
  }
} finally {
  await backend?.stop();
  await db.end().catch(() => {});
  if (opts.keep) console.log(`kept database ${dbName}`);
  else await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  rmSync(dataDir, { recursive: true, force: true });
  bundle.remove();
}
