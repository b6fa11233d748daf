// Scaffolder figures, measured in one run on the built backend, on SQLite and on PostgreSQL:
//  - throughput: N template runs submitted at once (fetch, publish to a local git repository, register in the
//    catalog), time until all have finished → tasks/minute;
//  - recovery latency is measured by system-tests/recovery.test.mjs (restart → recovered task claimed).
// Usage: yarn build:backend && yarn bench:scaffolder [--tasks 50]
import { parseArgs } from 'node:util';
import { unpackBundle, waitFor } from '../../system-tests/lib/backend.mjs';
import {
  apiClient,
  scaffolderBackend,
} from '../../system-tests/lib/scaffolder-harness.mjs';

const { values: opts } = parseArgs({
  options: { tasks: { type: 'string', default: '50' } },
});
const count = Number(opts.tasks);
const port = 7407;
const base = `http://localhost:${port}`;

const api = apiClient(base);

async function run(db, bundle) {
  const harness = await scaffolderBackend({
    bundle,
    db,
    port,
    env: { LOG_LEVEL: 'warn' },
  });
  const backend = harness.start(db);
  try {
    const token = await harness.ready(backend);
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
    await harness.cleanup();
  }
}

const bundle = unpackBundle();
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
