// Scaffolder figures, measured in one run on the built backend, on SQLite and on PostgreSQL:
//  - throughput: N template runs submitted at once (fetch, publish to a local git repository, register in the
//    catalog), time until all have finished → tasks/minute;
//  - recovery latency is measured by scripts/recovery/scaffolder-recovery.mjs (restart → recovered task claimed).
// Usage: yarn build:backend && yarn bench:scaffolder [--tasks 50]
import { mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs';
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

const { values: opts } = parseArgs({
  options: { tasks: { type: 'string', default: '50' } },
});
const count = Number(opts.tasks);
const port = 7407;
const base = `http://localhost:${port}`;

async function api(token, method, url, body) {
  const res = await fetch(base + url, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok)
    throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function run(db, bundle) {
  const dataDir = mkdtempSync(path.join(tmpdir(), `bench-scaffolder-${db}-`));
  const dbName = `backstage_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({
    host: '127.0.0.1',
    port: 5432,
    user: 'postgres',
    database: 'postgres',
  });
  if (db === 'pg') {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
  }
  const database =
    db === 'pg'
      ? `  database:\n    client: pg\n    pluginDivisionMode: schema\n    connection: { host: 127.0.0.1, port: 5432, user: postgres, database: ${dbName} }\n`
      : '';
  const override = path.join(dataDir, 'app-config.bench.yaml');
  writeFileSync(
    override,
    `backend:\n  baseUrl: ${base}\n  listen: { port: ${port} }\n${database}` +
      `catalog:\n  locations:\n    - type: file\n      target: ../../catalog/all.yaml\n` +
      `    - type: file\n      target: ../../recovery-fixtures/recovery-probe.yaml\n      rules: [{ allow: [Template] }]\n`,
  );
  const backend = startBackend({
    bundleDir: bundle.dir,
    name: db,
    cwd: path.join(bundle.dir, 'packages/backend'),
    configs: ['../../app-config.yaml', override],
    env: {
      NODE_ENV: 'development',
      BACKSTAGE_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
  });
  try {
    await waitFor(
      'readiness',
      async () => (await fetch(`${base}/.backstage/health/v1/readiness`)).ok,
      { backend },
    );
    const token = await guestToken(base);
    await waitFor(
      'the probe template',
      async () =>
        (
          await fetch(
            `${base}/api/catalog/entities/by-name/template/default/recovery-probe`,
            {
              headers: { Authorization: `Bearer ${token}` },
            },
          )
        ).ok,
      { backend },
    );
    const { token: publishToken } = await api(
      token,
      'GET',
      '/api/scaffolder/local-git/publish-token',
    );
    const started = Date.now();
    const ids = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        api(token, 'POST', '/api/scaffolder/v2/tasks', {
          templateRef: 'template:default/recovery-probe',
          values: { name: `bench-${db}-${i}`, waitSeconds: 0 },
          secrets: { publishToken },
        }).then(r => r.id),
      ),
    );
    const statuses = await waitFor(
      `${count} tasks to finish`,
      async () => {
        const s = await Promise.all(
          ids.map(id =>
            api(token, 'GET', `/api/scaffolder/v2/tasks/${id}`).then(
              t => t.status,
            ),
          ),
        );
        return s.every(x => ['completed', 'failed', 'cancelled'].includes(x))
          ? s
          : undefined;
      },
      { backend, timeoutMs: 15 * 60_000 },
    );
    const minutes = (Date.now() - started) / 60_000;
    const completed = statuses.filter(s => s === 'completed').length;
    return { db, completed, minutes, perMinute: completed / minutes };
  } finally {
    await backend.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (db === 'pg') {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
  }
}

const bundle = unpackBundle();
cpSync(
  path.join(import.meta.dirname, '../recovery/fixtures'),
  path.join(bundle.dir, 'recovery-fixtures'),
  {
    recursive: true,
  },
);
try {
  const results = [];
  for (const db of ['sqlite', 'pg']) results.push(await run(db, bundle));
  console.log(
    `${count} concurrent template runs (fetch, publish to local git, register in the catalog):`,
  );
  for (const r of results) {
    console.log(
      `${r.db.padEnd(7)} ${r.completed}/${count} completed in ${(
        r.minutes * 60
      ).toFixed(1)} s: ${r.perMinute.toFixed(1)} tasks/minute`,
    );
  }
  const [sqlite, postgres] = results;
  console.log(
    `pg/sqlite throughput: ${(postgres.perMinute / sqlite.perMinute).toFixed(
      2,
    )}`,
  );
} finally {
  bundle.remove();
}
