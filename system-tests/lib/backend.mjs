// The one launcher of the system tests: the built backend bundle (yarn build:backend) unpacked and started as a real
// process, free ports, throwaway PostgreSQL databases, and cleanup that also runs when a run is interrupted.
import pg from 'pg';
import { onExit, dropDatabaseSync } from '../../scripts/lib/processes.mjs';
import { waitFor } from '../../scripts/lib/built-backend.mjs';

export * from '../../scripts/lib/built-backend.mjs';
export * from '../../scripts/lib/processes.mjs';

/** The local PostgreSQL (trust auth), as the tests reach it. */
export const postgres = {
  host: '127.0.0.1',
  port: 5432,
  user: 'postgres',
};

/** `sql(database, text)`: one query on its own short-lived connection (the server's 100 connections are shared). */
export async function sql(database, text) {
  const client = new pg.Client({ ...postgres, database });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Creates a database named `<prefix>_<pid>_<time>` on the local PostgreSQL; `drop()` removes it (also done on exit
 * if the run is interrupted first).
 */
export async function throwawayDatabase(prefix) {
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  await sql('postgres', `CREATE DATABASE ${name}`);
  const dropOnExit = onExit(() => dropDatabaseSync(name));
  return {
    name,
    async drop() {
      await sql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      dropOnExit();
    },
  };
}

/** Entities the catalog has stored in `database` (one schema per plugin). */
export async function storedEntityCount(database) {
  const [{ n }] = await sql(
    database,
    'SELECT count(*)::int AS n FROM catalog.final_entities',
  );
  return n;
}

/** The last `lines` lines of a backend's output (optionally only those `keep` accepts), to show with a failure. */
export function logTail(backend, { lines = 60, keep = () => true } = {}) {
  return backend.log.filter(keep).slice(-lines).join('\n');
}

/**
 * Waits until the backend on `base` answers its readiness probe; a failure carries the backend's log tail (a
 * backend that exits or hangs at start-up says why there).
 */
export async function waitReady(base, backend, { timeoutMs } = {}) {
  try {
    await waitFor(
      'readiness',
      async () => (await fetch(`${base}/.backstage/health/v1/readiness`)).ok,
      { backend, timeoutMs },
    );
  } catch (e) {
    e.message += `\n--- backend log\n${logTail(backend)}`;
    throw e;
  }
}

/**
 * An afterEach hook that adds the backends' log tails to a failed test's report. `backends()` returns the ones
 * running now ({ name: backend }, or a single backend). Each line is shown once: when several tests fail in a row,
 * the later ones show only what the backend logged since.
 */
export function logTailOnFailure(backends, options) {
  const shown = new WeakMap();
  return t => {
    if (t.passed) return;
    const running = backends();
    if (!running) return;
    const all = 'log' in running ? { backend: running } : running;
    for (const [name, backend] of Object.entries(all)) {
      const from = shown.get(backend) ?? 0;
      shown.set(backend, backend.log.length);
      const fresh = { log: backend.log.slice(from) };
      t.diagnostic(
        fresh.log.length
          ? `--- ${name} log\n${logTail(fresh, options)}`
          : `--- ${name}: nothing logged since the last failure`,
      );
    }
  };
}
