// TLS to PostgreSQL, verified: the built backend with the image's config layers (app-config.yaml,
// app-config.production.yaml, app-config.postgres-tls.yaml) against a PostgreSQL of the test's own that accepts TLS
// only (lib/tls-postgres.mjs), with POSTGRES_CA_FILE naming a CA the test generated:
//  1. the server's certificate is signed by that CA: the backend becomes ready, its connections are encrypted
//     (pg_stat_ssl) and the catalog reads back what it stored;
//  2. the server presents a self-signed certificate for the same address (the CA never signed it): the backend
//     refuses the connection and exits at start-up, naming the certificate error.
// Usage: flock /tmp/backstage-build.lock node --test --test-reporter=spec system-tests/pg-tls.test.mjs
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import pg from 'pg';
import { readFileSync } from 'node:fs';
import {
  freePort,
  logTail,
  logTailOnFailure,
  onExit,
  productionEnv,
  root,
  startBackend,
  unpackBundle,
  waitFor,
  waitReady,
} from './lib/backend.mjs';
import { startTlsPostgres } from './lib/tls-postgres.mjs';

const ciToken = `pg-tls-${process.pid}-${Date.now()}`;
let bundle;
let keepBundle;
let postgres;
let base;
let backend;

before(async () => {
  const port = await freePort();
  base = `http://localhost:${port}`;
  bundle = unpackBundle();
  keepBundle = onExit(bundle.remove);
  // The layer the image adds (Dockerfile COPY and CMD), as it is.
  cpSync(
    path.join(root, 'app-config.postgres-tls.yaml'),
    path.join(bundle.dir, 'app-config.postgres-tls.yaml'),
  );
  // The test's server is a cluster of its own: one database, a schema per plugin.
  writeFileSync(
    path.join(bundle.dir, 'app-config.test.yaml'),
    `backend:\n  listen: ':${port}'\n  database:\n    pluginDivisionMode: schema\n    connection:\n      database: postgres\n`,
  );
  postgres = await startTlsPostgres();
});
after(async () => {
  await backend?.stop();
  postgres?.stop();
  bundle?.remove();
  keepBundle?.();
});
afterEach(logTailOnFailure(() => backend));
// Each test starts its own backend on the same port: stop it after the test, passed or failed.
afterEach(async () => {
  await backend?.stop();
  backend = undefined;
});

const start = name =>
  startBackend({
    bundleDir: bundle.dir,
    name,
    cwd: bundle.dir,
    configs: [
      'app-config.yaml',
      'app-config.production.yaml',
      'app-config.postgres-tls.yaml',
      'app-config.test.yaml',
    ],
    env: productionEnv({
      base,
      ciToken,
      POSTGRES_HOST: '127.0.0.1',
      POSTGRES_PORT: String(postgres.port),
      POSTGRES_CA_FILE: postgres.caFile,
    }),
  });

/** Runs `text` on the test's server over TLS verified against the test CA (the server accepts nothing else). */
async function sql(text) {
  const client = new pg.Client({
    host: '127.0.0.1',
    port: postgres.port,
    user: 'postgres',
    database: 'postgres',
    ssl: {
      ca: readFileSync(postgres.caFile, 'utf8'),
      rejectUnauthorized: true,
    },
  });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

test('connects to a server whose certificate the configured CA signed: ready, encrypted, catalog read', async () => {
  backend = start('trusted-server');
  await waitReady(base, backend, { timeoutMs: 90_000 });
  const [{ tls, plain }] = await sql(
    `SELECT count(*) FILTER (WHERE s.ssl)::int AS tls, count(*) FILTER (WHERE NOT s.ssl)::int AS plain
       FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
      WHERE a.backend_type = 'client backend' AND a.pid <> pg_backend_pid()`,
  );
  assert.ok(tls > 0, 'the backend holds no TLS connection');
  assert.equal(plain, 0);
  // A catalog entity from catalog/all.yaml, stored by the catalog's processing and read back through its API.
  const entity = await waitFor(
    'checkout-service in the catalog',
    async () => {
      const res = await fetch(
        `${base}/api/catalog/entities/by-name/component/default/checkout-service`,
        { headers: { Authorization: `Bearer ${ciToken}` } },
      );
      return res.ok && res.json();
    },
    { backend, timeoutMs: 60_000 },
  );
  assert.equal(entity.metadata.name, 'checkout-service');
});

test('refuses a server whose certificate the CA did not sign: start-up fails naming the certificate error', async () => {
  postgres.useCertificate('selfSigned');
  backend = start('untrusted-server');
  // Backstage reports a failed start as BackendStartupError (every plugin, with its cause) and the process is left
  // without a ready server: the load balancer never routes to it and ECS replaces it (liveness, deployment breaker).
  const failure = await waitFor(
    'the start-up failure',
    async () =>
      backend.log.find(l => l.includes('BackendStartupError')) ??
      (backend.exited() && `exited: ${backend.log.at(-1)}`),
    { timeoutMs: 60_000 },
  );
  assert.match(failure, /self[- ]signed certificate/);
  assert.match(failure, /Plugin 'catalog' startup failed/);
  const readiness = await fetch(`${base}/.backstage/health/v1/readiness`).then(
    r => r.status,
    () => 'not listening',
  );
  assert.notEqual(readiness, 200);
});
