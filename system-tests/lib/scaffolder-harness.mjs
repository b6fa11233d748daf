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
import {
  freePort,
  guestToken,
  onExit,
  startBackend,
  throwawayDatabase,
  waitFor,
  waitReady,
} from './backend.mjs';

const fixtures = path.resolve(import.meta.dirname, '../fixtures');

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
 * `submit(template, values)` → task id: template runs as the caller of `token`, with a local-git publish token as
 * their secret, as the app's form decorator sets it.
 */
export async function taskSubmitter(api, token) {
  const { token: publishToken } = await api(
    token,
    'GET',
    '/api/scaffolder/local-git/publish-token',
  );
  return (template, values) =>
    api(token, 'POST', '/api/scaffolder/v2/tasks', {
      templateRef: `template:default/${template}`,
      values,
      secrets: { publishToken },
    }).then(r => r.id);
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
  // Dropped by cleanup(), or on exit if the run is interrupted first.
  const database =
    db === 'pg' && !replicaOf
      ? await throwawayDatabase('backstage_scaffolder')
      : undefined;
  const dbName = replicaOf?.dbName ?? database?.name;
  if (!existsSync(path.join(bundle.dir, 'recovery-fixtures'))) {
    cpSync(fixtures, path.join(bundle.dir, 'recovery-fixtures'), {
      recursive: true,
    });
  }
  const databaseConfig =
    db === 'pg'
      ? `  database:\n    client: pg\n    pluginDivisionMode: schema\n` +
        `    connection: { host: 127.0.0.1, port: 5432, user: postgres, database: ${dbName} }\n`
      : '';
  const override = path.join(dataDir, `app-config.scaffolder-${port}.yaml`);
  writeFileSync(
    override,
    `backend:\n  baseUrl: ${base}\n  listen: { port: ${port} }\n${databaseConfig}${extraConfig}` +
      `catalog:\n  locations:\n    - type: file\n      target: ../../catalog/all.yaml\n` +
      ['recovery-probe.yaml', 'crash-probe.yaml']
        .map(
          f =>
            `    - type: file\n      target: ../../recovery-fixtures/${f}\n      rules: [{ allow: [Template] }]\n`,
        )
        .join(''),
  );
  // Interrupted: the data folder removed anyway (the database too: throwawayDatabase sees to it).
  const keepDataDir = replicaOf
    ? () => {}
    : onExit(() => rmSync(dataDir, { recursive: true, force: true }));
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
      await waitReady(base, backend);
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
      keepDataDir();
      rmSync(dataDir, { recursive: true, force: true });
      await database?.drop();
    },
  };
}
