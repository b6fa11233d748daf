// Operations figures, in one run, on the image-equivalent folder (system-tests/lib/image.mjs: skeleton + bundle with
// production dependencies only, as the Dockerfile's final stage has them), production config:
//  - backend cold start to readiness, single process, SQLite (a fresh file) vs PostgreSQL (a fresh database);
//  - RSS of the backend process right after readiness and after the sample catalog has loaded;
//  - the image content size (sum of the files of the unpacked, production-installed folder);
//  - the cost of the production-only settings: the same backend on PostgreSQL with them off (permission framework
//    disabled, no OpenTelemetry, plain TCP to the machine's PostgreSQL) and on (our permission policy, the Dockerfile
//    CMD's OpenTelemetry --require, TLS verified against a CA with app-config.postgres-tls.yaml, on a TLS-only
//    PostgreSQL of the benchmark's own: system-tests/lib/tls-postgres.mjs); cold start and RSS, with ratios.
// Usage: yarn build:backend && yarn bench:ops [--rounds 2]
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  freePort,
  productionEnv,
  root,
  startBackend,
  waitFor,
} from '../../system-tests/lib/backend.mjs';
import {
  buildImageFolder,
  folderBytes,
} from '../../system-tests/lib/image.mjs';
import { startTlsPostgres } from '../../system-tests/lib/tls-postgres.mjs';

const { values: opts } = parseArgs({
  options: { rounds: { type: 'string', default: '2' } },
});
const rounds = Number(opts.rounds);
const ciToken = `bench-${process.pid}-${Date.now()}`;
const rssMiB = pid =>
  Number(
    readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)/m)[1],
  ) / 1024;
const MiB = b => (b / 1024 / 1024).toFixed(0);
const median = xs =>
  [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** Where the Dockerfile copies the OpenTelemetry module (COPY packages/backend/instrumentation.js) and its CMD loads it. */
const INSTRUMENTATION = 'packages/backend/instrumentation.js';

/**
 * One cold start of the backend in `image`: `variant` is `sqlite`, `pg` (the machine's PostgreSQL), or
 * `off`/`on` (production settings, see the header). Returns start time, RSS after start and after loading.
 */
async function run(image, variant, tls) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const scratch = mkdtempSync(path.join(tmpdir(), 'bench-ops-'));
  const dbName = `backstage_bench_ops_${process.pid}_${Date.now()}`;
  const onTls = variant === 'on';
  const admin = new pg.Client({
    host: '127.0.0.1',
    port: onTls ? tls.port : 5432,
    user: 'postgres',
    database: 'postgres',
    ssl: onTls
      ? { ca: readFileSync(tls.caFile, 'utf8'), rejectUnauthorized: true }
      : undefined,
  });
  await admin.connect();
  const override = path.join(scratch, 'app-config.bench.yaml');
  const configs = ['app-config.yaml', 'app-config.production.yaml'];
  let env = { LOG_LEVEL: 'warn' };
  if (variant === 'sqlite') {
    // The same production config on an SQLite file per plugin instead of PostgreSQL.
    writeFileSync(
      override,
      `backend:\n  listen: ':${port}'\n  database:\n    client: better-sqlite3\n    connection:\n      directory: ${scratch}/sqlite\n`,
    );
  } else {
    await admin.query(`CREATE DATABASE ${dbName}`);
    writeFileSync(
      override,
      `backend:\n  listen: ':${port}'\n  database:\n    pluginDivisionMode: schema\n    connection:\n      database: ${dbName}\n` +
        (variant === 'off' ? 'permission:\n  enabled: false\n' : ''),
    );
  }
  if (onTls) {
    configs.push('app-config.postgres-tls.yaml');
    env = {
      ...env,
      POSTGRES_PORT: String(tls.port),
      POSTGRES_CA_FILE: tls.caFile,
      NODE_OPTIONS: `--require ${path.join(image.dir, INSTRUMENTATION)}`,
      OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
    };
  }
  configs.push(override);
  const started = Date.now();
  const backend = startBackend({
    bundleDir: image.dir,
    name: variant,
    cwd: image.dir,
    configs,
    // Every variable production requires (it refuses to start without them), as the image and smoke tests give.
    env: productionEnv({ base, ciToken, ...env }),
  });
  try {
    await waitFor(
      'readiness',
      async () => (await fetch(`${base}/.backstage/health/v1/readiness`)).ok,
      {
        backend,
        timeoutMs: 120_000,
      },
    );
    const startSeconds = (Date.now() - started) / 1000;
    const rssStart = rssMiB(backend.pid);
    // Loaded: the entity count has stopped growing for 5 s (and the sample org is there).
    let last = -1;
    let since = Date.now();
    const entities = await waitFor(
      'the sample catalog to load',
      async () => {
        const res = await fetch(
          `${base}/api/catalog/entities/by-query?limit=1`,
          {
            headers: { Authorization: `Bearer ${ciToken}` },
          },
        );
        const n = res.ok ? (await res.json()).totalItems : 0;
        if (n !== last) [last, since] = [n, Date.now()];
        return n > 30 && Date.now() - since > 5000 ? n : undefined;
      },
      { backend, timeoutMs: 180_000 },
    );
    return {
      variant,
      startSeconds,
      rssStart,
      rssLoaded: rssMiB(backend.pid),
      entities,
    };
  } finally {
    await backend.stop();
    rmSync(scratch, { recursive: true, force: true });
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

const image = buildImageFolder();
// The image's files for the production settings: its OpenTelemetry module and TLS config layer.
for (const f of [INSTRUMENTATION, 'app-config.postgres-tls.yaml']) {
  cpSync(path.join(root, f), path.join(image.dir, f));
}
const tls = await startTlsPostgres();
try {
  const variants = ['sqlite', 'pg', 'off', 'on'];
  const results = Object.fromEntries(variants.map(v => [v, []]));
  for (let i = 0; i < rounds; i++) {
    // Alternating order, so a machine that warms up (or gets busier) does not favour one variant.
    for (const v of i % 2 ? [...variants].reverse() : variants)
      results[v].push(await run(image, v, tls));
  }
  const size = folderBytes(image.dir);
  const modules = folderBytes(path.join(image.dir, 'node_modules'));
  const m = (v, key) => median(results[v].map(x => x[key]));
  console.log(
    `\nops benchmark (${rounds} round(s), alternating; production config; image-equivalent folder)`,
  );
  for (const db of ['sqlite', 'pg']) {
    const r = results[db];
    console.log(
      `cold start → readiness ${db.padEnd(6)}: median ${m(
        db,
        'startSeconds',
      ).toFixed(1)} s ` +
        `(runs: ${r.map(x => x.startSeconds.toFixed(1)).join(', ')})`,
    );
  }
  for (const db of ['sqlite', 'pg']) {
    console.log(
      `RSS ${db.padEnd(6)}: ${m(db, 'rssStart').toFixed(0)} MiB after start, ` +
        `${m(db, 'rssLoaded').toFixed(
          0,
        )} MiB after loading the sample catalog (${
          results[db][0].entities
        } entities)`,
    );
  }
  console.log(
    `image content: ${MiB(size)} MiB (node_modules ${MiB(
      modules,
    )} MiB, bundle + catalog + templates + configs ${MiB(
      size - modules,
    )} MiB; base image node:22-bookworm-slim not included)`,
  );
  console.log(
    '\nproduction settings on PostgreSQL: off = permission framework disabled, no OpenTelemetry, plain TCP;\n' +
      'on = permission policy, OpenTelemetry (instrumentation.js --require, Prometheus exporter), TLS verified (CA file)',
  );
  for (const [label, key, unit, digits] of [
    ['cold start → readiness', 'startSeconds', 's', 1],
    ['RSS after start', 'rssStart', 'MiB', 0],
    ['RSS after loading', 'rssLoaded', 'MiB', 0],
  ]) {
    const [off, on] = [m('off', key), m('on', key)];
    console.log(
      `${label.padEnd(22)}: off ${off.toFixed(digits)} ${unit}, on ${on.toFixed(
        digits,
      )} ${unit}, on/off ${(on / off).toFixed(2)} ` +
        `(runs off: ${results.off
          .map(x => x[key].toFixed(digits))
          .join(', ')}; ` +
        `on: ${results.on.map(x => x[key].toFixed(digits)).join(', ')})`,
    );
  }
} finally {
  tls.stop();
  image.remove();
}
