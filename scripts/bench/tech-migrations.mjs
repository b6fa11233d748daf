// Tech-migration tracker figures through the plugin's HTTP API, on the built backend and a throwaway PostgreSQL
// database (the plugin's classes are not part of its public surface, so nothing here imports them):
//  - seeding: 10,000 components across 200 teams (20 tribes × 10 squads) in a catalog file location, ingested by the
//    catalog; 3 migration definitions in a definitions folder; CI facts for every fifth component through
//    POST /api/tech-migrations/facts with a static token (the production CI token's access restrictions);
//  - full evaluation: POST /evaluate, the pass the scheduler runs (catalog read over HTTP, definitions, evaluation,
//    statuses + teams + today's snapshot stored in one transaction); its durationMs and the round trip;
//  - leaderboard: GET /migrations/node-22/leaderboard and the index GET /migrations as a signed-in member (not an
//    admin), HTTP, auth and the permission filtering included;
//  - owner notifications: POST /notify, the pass the scheduler runs (stored statuses read, due events claimed in
//    tm_notifications, one notification per team and migration sent through the real notifications plugin, which
//    resolves each squad's member through the catalog and stores it); then a pass with nothing left to send.
// Usage: yarn build:backend && yarn bench:migrations [--entities 10000] [--teams 200] [--runs 3]
//        [--profile notify.cpuprofile]: a CPU profile of the backend during the first notification pass only
//        (through the backend's inspector; open it in Chrome DevTools or summarise it with node);
//        [--bundle <dir>]: a bundle unpacked earlier (system-tests/lib/backend.mjs unpackBundle()), kept afterwards.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  freePort,
  guestToken,
  startBackend,
  unpackBundleLocked,
  waitFor,
} from '../../system-tests/lib/backend.mjs';

const { values: opts } = parseArgs({
  options: {
    entities: { type: 'string', default: '10000' },
    teams: { type: 'string', default: '200' },
    runs: { type: 'string', default: '3' },
    profile: { type: 'string' },
    bundle: { type: 'string' },
  },
});
const entityCount = Number(opts.entities);
const teamCount = Number(opts.teams);
const runs = Number(opts.runs);

// Deterministic pseudo-random numbers, so every run seeds the same catalog.
let seed = 42;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = list => list[Math.floor(rand() * list.length)];

/**
 * The catalog file: the guest user (an ordinary member of squad-0), one member per squad (who the notifications
 * plugin resolves a squad's notification to), tribes, squads and the components they own.
 */
function catalogEntities() {
  const tribes = Math.max(1, Math.round(teamCount / 10));
  const group = (name, type, parent) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name },
    spec: { type, ...(parent && { parent }), children: [] },
  });
  const entities = [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name: 'guest' },
      spec: { memberOf: ['squad-0'] },
    },
  ];
  for (let s = 0; s < teamCount; s++)
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name: `member-${s}` },
      spec: { memberOf: [`squad-${s}`] },
    });
  for (let t = 0; t < tribes; t++) entities.push(group(`tribe-${t}`, 'tribe'));
  for (let s = 0; s < teamCount; s++)
    entities.push(group(`squad-${s}`, 'squad', `tribe-${s % tribes}`));
  for (let i = 0; i < entityCount; i++) {
    const python = rand() < 0.3;
    const annotations = python
      ? { 'example.com/python-version': pick(['2.7', '3.6', '3.9', '3.12']) }
      : {
          'example.com/node-version': pick(['16', '18', '20', '22', '22.4.1']),
          'example.com/backend-system': pick(['legacy', 'new']),
        };
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: `component-${i}`,
        tags: [python ? 'python' : 'typescript'],
        annotations,
      },
      spec: {
        type: pick(['service', 'service', 'website', 'library']),
        lifecycle: pick(['production', 'experimental']),
        owner: `group:default/squad-${i % teamCount}`,
      },
    });
  }
  return entities;
}

const definitions = {
  'python-3.yaml': `title: Python 3
owner: tribe-0
startDate: '2026-01-01'
targetDate: '2027-12-31'
scope: { tags: [python] }
check: { fact: "metadata.annotations['example.com/python-version']", operator: '>=', value: 3 }
exemptions:
  - { entity: component:default/component-1, reason: bench, expires: '2099-01-01' }
`,
  'node-22.yaml': `title: Node 22
owner: tribe-0
startDate: '2026-01-01'
targetDate: '2027-12-31'
scope: { kind: [Component], type: [service, website, library] }
check:
  any:
    - { fact: "metadata.annotations['example.com/node-version']", operator: '>=', value: 22 }
    - { fact: facts.nodeVersion, operator: '>=', value: 22 }
`,
  'new-backend-system.yaml': `title: New backend system
owner: tribe-0
startDate: '2026-01-01'
targetDate: '2027-12-31'
scope: { type: [service], tags: [typescript] }
check: { fact: "metadata.annotations['example.com/backend-system']", operator: '==', value: new }
`,
};

const fmt = ms => `${ms.toFixed(1)} ms`;
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const port = await freePort();
const base = `http://localhost:${port}`;
const ciToken = randomBytes(24).toString('base64url');
const dbName = `tm_bench_${process.pid}_${Date.now()}`;

async function api(method, route, token, body) {
  const res = await fetch(`${base}/api/${route}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body && { 'Content-Type': 'application/json' }),
    },
    body: body && JSON.stringify(body),
  });
  if (!res.ok)
    throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
  return res.json();
}

// --bundle <dir>: an already unpacked bundle (compare two builds back to back); otherwise unpacked under the build lock.
const bundle = opts.bundle
  ? { dir: opts.bundle, remove: () => {} }
  : await unpackBundleLocked();
const inspectPort = opts.profile ? await freePort() : undefined;
const load = () =>
  loadavg()
    .map(l => l.toFixed(1))
    .join(' ');

/** A CPU profile of the backend between start() and the returned stop(), through its inspector (--profile). */
async function startProfile() {
  const [{ webSocketDebuggerUrl }] = await (
    await fetch(`http://127.0.0.1:${inspectPort}/json/list`)
  ).json();
  const ws = new WebSocket(webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let id = 0;
  const pending = new Map();
  ws.onmessage = m => {
    const msg = JSON.parse(m.data);
    pending.get(msg.id)?.(msg.result);
  };
  const call = (method, params) =>
    new Promise(resolve => {
      pending.set(++id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call('Profiler.enable');
  await call('Profiler.setSamplingInterval', { interval: 500 });
  await call('Profiler.start');
  return async file => {
    const { profile } = await call('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    ws.close();
  };
}
const dir = mkdtempSync(path.join(tmpdir(), 'tm-bench-'));
const admin = new pg.Client({
  host: '127.0.0.1',
  port: 5432,
  user: 'postgres',
  database: 'postgres',
});
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
let backend;
try {
  const definitionsDir = path.join(dir, 'migrations');
  const catalogFile = path.join(dir, 'catalog.yaml');
  const override = path.join(dir, 'app-config.bench.yaml');
  mkdirSync(definitionsDir);
  for (const [file, text] of Object.entries(definitions))
    writeFileSync(path.join(definitionsDir, file), text);
  const entities = catalogEntities();
  // JSON documents are YAML documents.
  writeFileSync(
    catalogFile,
    entities.map(e => JSON.stringify(e)).join('\n---\n'),
  );
  // Development config on PostgreSQL with: only the bench catalog (each entity processed once: nothing is
  // reprocessed while timing), the bench definitions, no scheduled evaluation or search indexing (the timed passes
  // are the only ones), the guest an ordinary member, and a static CI token scoped as production scopes its own.
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
          - plugin: tech-migrations
          - plugin: catalog
            permissionAttribute: { action: read }
catalog:
  processingInterval: { hours: 1 }
  rules: [{ allow: [Component, Location] }]
  locations:
    - { type: file, target: ${catalogFile}, rules: [{ allow: [User, Group, Component] }] }
techMigrations:
  definitions: ${definitionsDir}
  schedule: { frequency: { hours: 1 }, timeout: { minutes: 10 }, initialDelay: { hours: 1 } }
  notifications:
    schedule: { frequency: { hours: 1 }, timeout: { minutes: 10 }, initialDelay: { hours: 1 } }
manage:
  catalogSync: { frequency: { hours: 1 }, timeout: { minutes: 5 }, initialDelay: { hours: 1 } }
  kpiSources: []
search:
  collators:
    catalog: { schedule: { initialDelay: { hours: 1 } } }
    techdocs: { schedule: { initialDelay: { hours: 1 } } }
permission:
  enabled: true
  policy: { adminUsers: [] }
`,
  );
  backend = startBackend({
    bundleDir: bundle.dir,
    name: 'tech-migrations-bench',
    cwd: path.join(bundle.dir, 'packages/backend'),
    configs: ['../../app-config.yaml', override],
    env: {
      NODE_ENV: 'development',
      BACKSTAGE_DATA_DIR: dir,
      LOG_LEVEL: 'warn',
      BENCH_CI_TOKEN: ciToken,
      ...(inspectPort && {
        NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPort}`,
      }),
    },
  });
  await waitFor(
    'readiness',
    async () => (await fetch(`${base}/.backstage/health/v1/readiness`)).ok,
    { backend },
  );

  const ingestStart = performance.now();
  const count = async kind =>
    (
      await api(
        'GET',
        `catalog/entities/by-query?filter=kind=${kind}&limit=1`,
        ciToken,
      )
    ).totalItems;
  await waitFor(
    `${entityCount} components, ${teamCount} squads and their members in the catalog`,
    async () =>
      (await count('component')) === entityCount &&
      (await count('group')) ===
        teamCount + Math.max(1, Math.round(teamCount / 10)) &&
      (await count('user')) === teamCount + 1,
    { backend, timeoutMs: 900_000 },
  );
  const ingestSeconds = (performance.now() - ingestStart) / 1000;

  // Some entities have a CI-pushed fact, read during evaluation (at most 1000 entities a request).
  const withFact = entities
    .filter(e => e.kind === 'Component')
    .filter((_, i) => i % 5 === 0)
    .map(e => ({
      entityRef: `component:default/${e.metadata.name}`,
      facts: { nodeVersion: '22.11.0' },
    }));
  const factsStart = performance.now();
  for (let i = 0; i < withFact.length; i += 1000) {
    await api('POST', 'tech-migrations/facts', ciToken, {
      entities: withFact.slice(i, i + 1000),
    });
  }
  console.log(
    `seeded ${entityCount} components / ${teamCount} teams through the catalog (file location, ingested in ` +
      `${ingestSeconds.toFixed(1)} s) and facts for ${
        withFact.length
      } through POST /facts ` +
      `(${((performance.now() - factsStart) / 1000).toFixed(1)} s)`,
  );

  const passTimes = [];
  const roundTrips = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = await api('POST', 'tech-migrations/evaluate', ciToken);
    roundTrips.push(performance.now() - t);
    passTimes.push(result.durationMs);
  }
  if (result.errors.length) throw new Error(JSON.stringify(result.errors));

  // Owner notifications over what the last pass stored: every squad with remaining entities hears that each
  // migration started (one notification each), then a second pass finds nothing left to send.
  const loadBefore = load();
  const stopProfile = opts.profile && (await startProfile());
  const notifyStart = performance.now();
  const notified = await api('POST', 'tech-migrations/notify', ciToken);
  const notifyRoundTrip = performance.now() - notifyStart;
  const loadAfter = load();
  if (stopProfile) await stopProfile(opts.profile);
  if (notified.failed || !notified.sent)
    throw new Error(`notification pass: ${JSON.stringify(notified)}`);
  const quietTimes = [];
  for (let i = 0; i < runs; i++) {
    const quiet = await api('POST', 'tech-migrations/notify', ciToken);
    if (quiet.sent) throw new Error(`sent again: ${JSON.stringify(quiet)}`);
    quietTimes.push(quiet.durationMs);
  }

  const member = await guestToken(base);
  // The guest is a member of squad-0: its notifications arrived (stored by the notifications plugin).
  const inbox = await api(
    'GET',
    'notifications/notifications?topic=tech-migrations',
    member,
  );
  if (!inbox.totalCount)
    throw new Error(`no notification for squad-0: ${JSON.stringify(inbox)}`);
  const board = await api(
    'GET',
    'tech-migrations/migrations/node-22/leaderboard',
    member,
  ); // warm-up
  const boardTimes = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await api('GET', 'tech-migrations/migrations/node-22/leaderboard', member);
    boardTimes.push(performance.now() - t);
  }
  const indexTimes = [];
  let index;
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    index = await api('GET', 'tech-migrations/migrations', member);
    indexTimes.push(performance.now() - t);
  }
  const rows = index.migrations.reduce(
    (n, m) => n + m.done + m.remaining + m.exempt,
    0,
  );
  const squadsOnBoard = board.tribes.reduce((n, t) => n + t.squads.length, 0);

  console.log(
    `full evaluation (POST /evaluate, PostgreSQL, ${entityCount} entities, ${teamCount} teams, ` +
      `${result.migrations} migrations, ${rows} status rows; catalog read included): durationMs median ` +
      `${fmt(median(passTimes))} over ${runs} runs (${passTimes
        .map(fmt)
        .join(', ')}; round trip median ` +
      `${fmt(median(roundTrips))}; target < 10 s)`,
  );
  console.log(
    `leaderboard (GET /migrations/node-22/leaderboard as a member, ${board.tribes.length} tribes, ` +
      `${squadsOnBoard} squads; HTTP, auth and permission filtering included): p50 ${fmt(
        median(boardTimes),
      )}, ` +
      `max ${fmt(Math.max(...boardTimes))} over 20 calls (target < 200 ms)`,
  );
  console.log(
    `notification pass (POST /notify, PostgreSQL, ${entityCount} entities, ${teamCount} teams, ${result.migrations} ` +
      `migrations: ${notified.sent} notifications claimed, sent through the notifications plugin and marked sent; ` +
      `the guest's inbox has ${inbox.totalCount}): durationMs ${fmt(
        notified.durationMs,
      )} (round trip ` +
      `${fmt(
        notifyRoundTrip,
      )}; target < 10 s; load average before ${loadBefore}, after ${loadAfter}); nothing left to send: durationMs median ${fmt(
        median(quietTimes),
      )} over ${runs} runs`,
  );
  console.log(
    `index (GET /migrations as a member, ${index.migrations.length} migrations with health): p50 ` +
      `${fmt(median(indexTimes))} over 10 calls`,
  );
} catch (e) {
  console.error(e);
  if (backend) console.error(backend.log.slice(-30).join('\n'));
  process.exitCode = 1;
} finally {
  await backend?.stop();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
  bundle.remove();
}
