// The built backend on the development config, on SQLite or on a throwaway PostgreSQL database, with the probe
// templates of system-tests/fixtures registered: shared by the recovery test, the replicas test and the
// scaffolder benchmark.
import {
  cpSync,
  existsSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { guestToken, startBackend, waitFor } from './built-backend.mjs';
import { dropDatabaseSync, freePort } from './processes.mjs';

const fixtures = path.resolve(
  import.meta.dirname,
  '../../system-tests/fixtures',
);

/** `api(token, method, url, body?)` against `base`, throwing with the response body on a non-2xx status. */
export function apiClient(base) {
  return async (token, method, url, body) => {
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
  };
}

/**
 * Prepares a data folder (and, for `db: 'pg'`, a database on the local PostgreSQL) and a config override for a
 * backend on `port` (default: a free port; the harness's `base` and `port` say which); `start(name)` starts it (again, after a kill: same data), `cleanup()` removes everything.
 * `replicaOf: <another harness>` makes a second replica on its own port that shares the other's data folder and
 * database (its cleanup leaves them to the first one's).
 */
export async function scaffolderBackend({
  bundle,
  db,
  port,
  extraConfig = '',
  env = {},
  replicaOf,
}) {
  port ??= await freePort();
  const base = `http://localhost:${port}`;
  const dataDir =
    replicaOf?.dataDir ?? mkdtempSync(path.join(tmpdir(), `scaffolder-${db}-`));
  const dbName =
    replicaOf?.dbName ?? `backstage_scaffolder_${process.pid}_${Date.now()}`;
  const admin =
    db === 'pg' && !replicaOf
      ? new pg.Client({
          host: '127.0.0.1',
          port: 5432,
          user: 'postgres',
          database: 'postgres',
        })
      : undefined;
  if (admin) {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
  }
  if (!existsSync(path.join(bundle.dir, 'recovery-fixtures'))) {
    cpSync(fixtures, path.join(bundle.dir, 'recovery-fixtures'), {
      recursive: true,
    });
  }
  const database =
    db === 'pg'
      ? `  database:\n    client: pg\n    pluginDivisionMode: schema\n` +
        `    connection: { host: 127.0.0.1, port: 5432, user: postgres, database: ${dbName} }\n`
      : '';
  const override = path.join(dataDir, `app-config.scaffolder-${port}.yaml`);
  writeFileSync(
    override,
    `backend:\n  baseUrl: ${base}\n  listen: { port: ${port} }\n${database}${extraConfig}` +
      `catalog:\n  locations:\n    - type: file\n      target: ../../catalog/all.yaml\n` +
      ['recovery-probe.yaml', 'crash-probe.yaml']
        .map(
          f =>
            `    - type: file\n      target: ../../recovery-fixtures/${f}\n      rules: [{ allow: [Template] }]\n`,
        )
        .join(''),
  );
  // Interrupted (processes.mjs turns SIGINT/SIGTERM into process.exit once a backend runs): drop the database and
  // the data folder anyway. 'exit' handlers must be synchronous, hence psql and rmSync.
  const removeOnExit = () => {
    rmSync(dataDir, { recursive: true, force: true });
    if (admin) dropDatabaseSync(dbName);
  };
  if (!replicaOf) process.once('exit', removeOnExit);
  return {
    base,
    port,
    dataDir,
    dbName,
    /** Waits until `backend` is ready with the probe `templates` in its catalog; returns a guest token. */
    async ready(
      backend,
      templates = ['recovery-probe', 'recovery-probe-none'],
    ) {
      await waitFor(
        'readiness',
        async () => (await fetch(`${base}/.backstage/health/v1/readiness`)).ok,
        { backend },
      );
      const token = await guestToken(base);
      for (const name of templates) {
        await waitFor(
          `template ${name}`,
          async () =>
            (
              await fetch(
                `${base}/api/catalog/entities/by-name/template/default/${name}`,
                {
                  headers: { Authorization: `Bearer ${token}` },
                },
              )
            ).ok,
          { backend },
        );
      }
      return token;
    },
    start: name =>
      startBackend({
        bundleDir: bundle.dir,
        name,
        cwd: path.join(bundle.dir, 'packages/backend'),
        configs: ['../../app-config.yaml', override],
        env: { NODE_ENV: 'development', BACKSTAGE_DATA_DIR: dataDir, ...env },
      }),
    async cleanup() {
      if (replicaOf) return;
      process.off('exit', removeOnExit);
      rmSync(dataDir, { recursive: true, force: true });
      if (admin) {
        await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await admin.end();
      }
    },
  };
}
