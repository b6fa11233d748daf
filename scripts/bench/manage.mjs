// Manage page: server time of a team summary at scale, on the built backend and PostgreSQL.
// Seeds, through public APIs only (the plugin's store is not part of its surface): 200 squads in 20 tribes owning
// 20,000 entities, as a catalog file location the catalog ingests and the manage plugin mirrors, and 12 months of
// the 7 KPIs (1.68M samples) through POST /api/manage/kpis by three callers, one per source system (cost, incidents,
// security: three sources with their freshness rows), plus three scheduled file sources (two loading, one failing),
// so every summary carries provider data and source freshness. Then it times GET /api/manage/teams/:ref/summary for a squad owning 500 entities and for its
// tribe of 10 squads (server time from the Server-Timing header, and the client round trip), and the backend's RSS.
// The backend is started twice on the same seeded database, alternating: the portal's permission policy deciding,
// then permissions off; the last lines print the two medians side by side.
// Usage: yarn build:backend && yarn bench:manage [--requests 30]
import { randomBytes } from 'node:crypto';
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  freePort,
  guestToken,
  startBackend,
  unpackBundle,
  waitFor,
} from '../../system-tests/lib/backend.mjs';

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
const KPIS = [
  'cloud-cost',
  'incidents',
  'incident-repair-minutes',
  'security-issues-critical',
  'security-issues-high',
  'security-issues-medium',
  'security-issues-low',
];
// The 12 months ending with the current one (UTC): the KPI API refuses future months, so fixed months would break
// the benchmark a year earlier and age out of the trend window a year later.
const now = new Date();
const PERIODS = Array.from({ length: 12 }, (_, i) => {
  const index = now.getUTCFullYear() * 12 + now.getUTCMonth() - 11 + i;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(
    2,
    '0',
  )}`;
});

const rssMb = pid =>
  Number(
    readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1],
  ) / 1024;
const percentile = (xs, p) =>
  [...xs].sort((a, b) => a - b)[
    Math.min(xs.length - 1, Math.floor(p * xs.length))
  ];

const ciToken = randomBytes(24).toString('base64url');

/** The org and what it owns, as catalog entities: the guest user (an ordinary member), tribes, squads, components. */
function org() {
  const squads = [];
  const entities = [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name: 'guest' },
      spec: { memberOf: [] },
    },
  ];
  const group = (name, title, type, parent) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, title },
    spec: { type, ...(parent && { parent }), children: [] },
  });
  for (let t = 0; t < TRIBES; t++) {
    entities.push(group(`bench-tribe-${t}`, `Bench Tribe ${t}`, 'tribe'));
    for (let s = 0; s < SQUADS_PER_TRIBE; s++) {
      entities.push(
        group(
          `bench-squad-${t}-${s}`,
          `Bench Squad ${t}-${s}`,
          'squad',
          `bench-tribe-${t}`,
        ),
      );
      squads.push(`group:default/bench-squad-${t}-${s}`);
    }
  }
  const owners = [
    ...Array(BIG_SQUAD_ENTITIES).fill(squads[0]),
    ...Array.from(
      { length: ENTITIES - BIG_SQUAD_ENTITIES },
      (_, i) => squads[1 + (i % (squads.length - 1))],
    ),
  ];
  const componentRefs = owners.map((owner, i) => {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: `bench-${i + 1}` },
      spec: {
        type: ['service', 'website', 'library'][(i + 1) % 3],
        lifecycle: 'production',
        owner,
      },
    });
    return `component:default/bench-${i + 1}`;
  });
  const tribeSquads = new Set(squads.slice(0, SQUADS_PER_TRIBE));
  return {
    entities,
    componentRefs,
    squad: { ref: squads[0], owns: BIG_SQUAD_ENTITIES },
    tribe: {
      ref: 'group:default/bench-tribe-0',
      owns: owners.filter(o => tribeSquads.has(o)).length,
    },
  };
}

/**
 * The KPI sources, as production has them: one caller per source system pushing its KPIs (each a source with its own
 * freshness row, `push:external:<subject>`), plus scheduled file sources: two that load (a small file) and one whose
 * file is missing (its row records the failure), so the summary's freshness covers fresh, failed and pushed sources.
 */
const PUSHERS = [
  { subject: 'bench-aws-cost', kpis: ['cloud-cost'] },
  {
    subject: 'bench-pagerduty',
    kpis: ['incidents', 'incident-repair-minutes'],
  },
  {
    subject: 'bench-github-security',
    kpis: KPIS.filter(k => k.startsWith('security-issues-')),
  },
].map(p => ({ ...p, token: randomBytes(24).toString('base64url') }));
const FILE_SOURCES = ['bench-file-a', 'bench-file-b', 'bench-file-missing'];

/** 12 months x 7 KPIs per entity through the push API, 10,000 samples (its maximum) a request, two at a time. */
async function pushKpis(refs) {
  let stored = 0;
  for (const pusher of PUSHERS) stored += await pushAs(pusher, refs);
  return stored;
}

async function pushAs({ token, kpis }, refs) {
  const samples = (function* () {
    for (const entityRef of refs)
      for (const kpi of kpis)
        for (const period of PERIODS)
          yield {
            entityRef,
            kpi,
            period,
            value: Math.round(Math.random() * 100_000) / 100,
          };
  })();
  let stored = 0;
  const worker = async () => {
    for (;;) {
      const batch = [];
      // next(), not for...of: breaking out of a for...of would close the generator both workers share.
      for (let n = samples.next(); !n.done; n = samples.next()) {
        batch.push(n.value);
        if (batch.length === 10_000) break;
      }
      if (!batch.length) return;
      const res = await fetch(`${base}/api/manage/kpis`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ samples: batch }),
      });
      if (res.status !== 201)
        throw new Error(`POST /kpis: ${res.status} ${await res.text()}`);
      await res.json();
      stored += batch.length;
    }
  };
  await Promise.all([worker(), worker()]);
  return stored;
}

async function summary(token, ref) {
  const res = await fetch(
    `${base}/api/manage/teams/${encodeURIComponent(ref)}/summary`,
    {
      headers: { Authorization: `Bearer ${token}` },
    },
  );
  if (!res.ok) throw new Error(`${ref}: ${res.status} ${await res.text()}`);
  return res;
}

async function time(token, ref) {
  const server = [];
  const client = [];
  const parts = {};
  let body;
  for (let i = 0; i < requests + 3; i++) {
    const started = performance.now();
    const res = await summary(token, ref);
    body = await res.json();
    if (i < 3) continue; // warm-up
    client.push(performance.now() - started);
    const timing = Object.fromEntries(
      res.headers
        .get('server-timing')
        .split(', ')
        .map(e => e.split(';dur='))
        .map(([k, v]) => [k, Number(v)]),
    );
    server.push(timing.total);
    for (const [k, v] of Object.entries(timing)) (parts[k] ??= []).push(v);
  }
  return { server, client, parts, body };
}

const bundle = unpackBundle();
const dataDir = mkdtempSync(path.join(tmpdir(), 'manage-bench-'));
const admin = new pg.Client({
  host: '127.0.0.1',
  port: 5432,
  user: 'postgres',
  database: 'postgres',
});
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);

const seeded = org();
for (const id of FILE_SOURCES.filter(id => !id.endsWith('-missing'))) {
  writeFileSync(
    path.join(dataDir, `${id}.json`),
    JSON.stringify({
      samples: seeded.componentRefs.slice(0, 50).map(entityRef => ({
        entityRef,
        kpi: 'incidents',
        monthsAgo: 1,
        value: 1,
      })),
    }),
  );
}
const catalogFile = path.join(dataDir, 'catalog.yaml');
// JSON documents are YAML documents.
writeFileSync(
  catalogFile,
  seeded.entities.map(e => JSON.stringify(e)).join('\n---\n'),
);

// Seeding: the catalog mirror every few seconds, so the org shows up as soon as the catalog has it. Then the same
// seeded database served twice, alternating: with the portal's permission policy deciding (the guest is an ordinary
// member, as a product engineer is in production) and with permissions switched off, which is what allow-all costs
// at most (allow-all still makes the same permission round trips, so the real gap is smaller); the mirror held off.
const MODES = {
  seed: 'permission:\n  enabled: true\n  policy:\n    adminUsers: []\n',
  policy: 'permission:\n  enabled: true\n  policy:\n    adminUsers: []\n',
  'permissions off': 'permission:\n  enabled: false\n',
};
function startMode(mode) {
  const override = path.join(
    dataDir,
    `app-config.bench-${mode.replace(' ', '-')}.yaml`,
  );
  // Only the bench catalog, each entity processed once (nothing reprocessed while timing); no demo KPIs; no search
  // indexing; a static CI token scoped as production scopes its own. The mode's lines come last and win.
  writeFileSync(
    override,
    `backend:
  baseUrl: ${base}
  listen: { port: ${port} }
  database:
    client: pg
    pluginDivisionMode: schema
    connection: { host: 127.0.0.1, port: 5432, user: postgres, database: ${dbName} }
    # The PostgreSQL server is shared (100 connections for every test and benchmark on the machine): every plugin's
    # pool gives idle connections back and keeps at most 5 (no request here runs more queries at once).
    knexConfig: { pool: { min: 0, max: 5, idleTimeoutMillis: 10000 } }
  auth:
    externalAccess:
      - type: static
        options: { token: '\${BENCH_CI_TOKEN}', subject: bench-ci }
        accessRestrictions:
          - plugin: manage
          - plugin: catalog
            permissionAttribute: { action: read }
${PUSHERS.map(
  p => `      - type: static
        options: { token: '${p.token}', subject: ${p.subject} }
        accessRestrictions: [{ plugin: manage }]`,
).join('\n')}
catalog:
  processingInterval: { hours: 1 }
  rules: [{ allow: [Component, Location] }]
  locations:
    - { type: file, target: ${catalogFile}, rules: [{ allow: [User, Group, Component] }] }
techMigrations:
  schedule: { frequency: { hours: 1 }, timeout: { minutes: 10 }, initialDelay: { hours: 1 } }
search:
  collators:
    catalog: { schedule: { initialDelay: { hours: 1 } } }
    techdocs: { schedule: { initialDelay: { hours: 1 } } }
manage:
  catalogSync: ${
    mode === 'seed'
      ? '{ frequency: { seconds: 15 }, timeout: { minutes: 5 }, initialDelay: { seconds: 5 } }'
      : '{ frequency: { hours: 1 }, timeout: { minutes: 5 }, initialDelay: { hours: 1 } }'
  }
  kpiSources:
${FILE_SOURCES.map(
  id =>
    `    - { id: ${id}, target: ${path.join(dataDir, `${id}.json`)}, ` +
    `schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 }, initialDelay: { seconds: 1 } } }`,
).join('\n')}
# The org (teams and their tree) as the org model reads it from the catalog: often while seeding, as it fills up.
orgModel:
  refresh: ${
    mode === 'seed'
      ? '{ frequency: { seconds: 15 }, timeout: { minutes: 2 }, initialDelay: { seconds: 5 } }'
      : '{ frequency: { minutes: 5 }, timeout: { minutes: 2 } }'
  }
` + MODES[mode],
  );
  return startBackend({
    bundleDir: bundle.dir,
    name: `manage-bench (${mode})`,
    cwd: path.join(bundle.dir, 'packages/backend'),
    configs: ['../../app-config.yaml', override],
    env: {
      NODE_ENV: 'development',
      BACKSTAGE_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      BENCH_CI_TOKEN: ciToken,
    },
  });
}
const ready = backend =>
  waitFor(
    'readiness',
    async () => (await fetch(`${base}/.backstage/health/v1/readiness`)).ok,
    { backend },
  );

let backend;
try {
  backend = startMode('seed');
  await ready(backend);
  const seedStart = performance.now();
  // The samples are stored whether or not the mirror knows their entities yet, so they go in while the catalog
  // ingests the org.
  const [stored] = await Promise.all([
    pushKpis(seeded.componentRefs),
    waitFor(
      `the manage page to show ${seeded.squad.owns} entities for the squad and ${seeded.tribe.owns} for its tribe`,
      async () => {
        const [squad, tribe] = await Promise.all(
          [seeded.squad.ref, seeded.tribe.ref].map(async ref =>
            (await summary(ciToken, ref)).json(),
          ),
        );
        return (
          squad.owned.total === seeded.squad.owns &&
          tribe.owned.total === seeded.tribe.owns &&
          tribe.subTeams.length === SQUADS_PER_TRIBE
        );
      },
      { backend, timeoutMs: 1_200_000 },
    ),
  ]);
  await backend.stop();
  // What autovacuum does to tables at rest: statistics, and the visibility map that lets a covering index answer
  // aggregates without reading the table. The whole database, as the plugin's tables are its own business.
  const db = new pg.Client({
    host: '127.0.0.1',
    port: 5432,
    user: 'postgres',
    database: dbName,
  });
  await db.connect();
  await db.query('VACUUM ANALYZE');
  await db.end();
  console.log(
    `seeded ${
      TRIBES * SQUADS_PER_TRIBE
    } squads in ${TRIBES} tribes and ${ENTITIES} entities (catalog file ` +
      `location, mirrored by manage), ${stored} KPI samples (POST /kpis) in ` +
      `${((performance.now() - seedStart) / 1000).toFixed(
        1,
      )} s (PostgreSQL, with VACUUM ANALYZE)`,
  );

  const runs = {
    policy: { squad: [], tribe: [] },
    'permissions off': { squad: [], tribe: [] },
  };
  for (const mode of [
    'policy',
    'permissions off',
    'policy',
    'permissions off',
  ]) {
    backend = startMode(mode);
    await ready(backend);
    const token = await guestToken(base);
    const rssBefore = rssMb(backend.pid);
    const squadRun = await time(token, seeded.squad.ref);
    const tribeRun = await time(token, seeded.tribe.ref);
    const rssAfter = rssMb(backend.pid);
    runs[mode].squad.push(...squadRun.server);
    runs[mode].tribe.push(...tribeRun.server);
    console.log(`[${mode}]`);
    for (const [label, run] of [
      [`squad owning ${squadRun.body.owned.total} entities`, squadRun],
      [
        `tribe of ${tribeRun.body.subTeams.length} squads owning ${tribeRun.body.owned.total} entities`,
        tribeRun,
      ],
    ]) {
      console.log(
        `summary, ${label}: server median ${percentile(run.server, 0.5).toFixed(
          1,
        )} ms, p95 ` +
          `${percentile(run.server, 0.95).toFixed(
            1,
          )} ms (target < 200 ms); client median ` +
          `${percentile(run.client, 0.5).toFixed(1)} ms; ${
            run.body.trend.length
          } months trended, ` +
          `${run.body.owned.entities.length} listed`,
      );
      console.log(
        `  median per part: ${Object.entries(run.parts)
          .filter(([k]) => k !== 'total')
          .map(([k, v]) => `${k} ${percentile(v, 0.5).toFixed(1)} ms`)
          .join(', ')}`,
      );
    }
    const states = {};
    for (const source of tribeRun.body.sources) {
      states[source.state] = (states[source.state] ?? 0) + 1;
    }
    if (tribeRun.body.sources.length < PUSHERS.length + FILE_SOURCES.length) {
      throw new Error(
        `expected every KPI source in the summary, got ${JSON.stringify(
          tribeRun.body.sources,
        )}`,
      );
    }
    console.log(
      `  KPI source freshness in each summary: ${
        tribeRun.body.sources.length
      } sources (${Object.entries(states)
        .map(([state, n]) => `${n} ${state}`)
        .join(', ')})`,
    );
    console.log(
      `backend RSS ${rssBefore.toFixed(0)} MB before, ${rssAfter.toFixed(
        0,
      )} MB after ${2 * (requests + 3)} summaries ` +
        `(growth ${(rssAfter - rssBefore).toFixed(0)} MB)`,
    );
    await backend.stop();
  }
  console.log(
    `team summary p95 at ${ENTITIES} entities with provider data (${
      PUSHERS.length
    } pushing sources + ${
      FILE_SOURCES.length
    } scheduled, freshness rows), policy deciding: squad ${percentile(
      runs.policy.squad,
      0.95,
    ).toFixed(1)} ms, tribe ${percentile(runs.policy.tribe, 0.95).toFixed(
      1,
    )} ms (target < 200 ms)`,
  );
  for (const team of ['squad', 'tribe']) {
    const on = percentile(runs.policy[team], 0.5);
    const off = percentile(runs['permissions off'][team], 0.5);
    console.log(
      `${team} summary server median: policy ${on.toFixed(
        1,
      )} ms vs permissions off ${off.toFixed(1)} ms ` +
        `(ratio ${(on / off).toFixed(2)}, two alternating rounds each)`,
    );
  }
} catch (e) {
  console.error(e);
  if (backend) console.error(backend.log.slice(-30).join('\n'));
  process.exitCode = 1;
} finally {
  await backend?.stop();
  if (opts.keep) console.log(`kept database ${dbName}`);
  else await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  rmSync(dataDir, { recursive: true, force: true });
  bundle.remove();
}
