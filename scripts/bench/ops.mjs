// Operations figures, in one run, on the image-equivalent folder (system-tests/lib/image.mjs: skeleton + bundle with
// production dependencies only, as the Dockerfile's final stage has them), production config:
//  - backend cold start to readiness, single process, SQLite (a fresh file) vs PostgreSQL (a fresh database);
//  - RSS of the backend process right after readiness and after the sample catalog has loaded;
//  - the image content size (sum of the files of the unpacked, production-installed folder).
// Usage: yarn build:backend && yarn bench:ops [--rounds 2]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  productionEnv,
  startBackend,
  waitFor,
} from '../../system-tests/lib/backend.mjs';
import {
  buildImageFolder,
  folderBytes,
} from '../../system-tests/lib/image.mjs';

const { values: opts } = parseArgs({
  options: { rounds: { type: 'string', default: '2' } },
});
const rounds = Number(opts.rounds);
const port = 7580;
const base = `http://127.0.0.1:${port}`;
const ciToken = `bench-${process.pid}-${Date.now()}`;
const rssMiB = pid =>
  Number(
    readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)/m)[1],
  ) / 1024;
const MiB = b => (b / 1024 / 1024).toFixed(0);

async function run(image, db) {
  const scratch = mkdtempSync(path.join(tmpdir(), 'bench-ops-'));
  const dbName = `backstage_bench_ops_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({
    host: '127.0.0.1',
    port: 5432,
    user: 'postgres',
    database: 'postgres',
  });
  await admin.connect();
  const override = path.join(scratch, 'app-config.bench.yaml');
  if (db === 'pg') {
    await admin.query(`CREATE DATABASE ${dbName}`);
    writeFileSync(
      override,
      `backend:\n  listen: ':${port}'\n  database:\n    pluginDivisionMode: schema\n    connection:\n      database: ${dbName}\n`,
    );
  } else {
    // The same production config on an SQLite file per plugin instead of PostgreSQL.
    writeFileSync(
      override,
      `backend:\n  listen: ':${port}'\n  database:\n    client: better-sqlite3\n    connection:\n      directory: ${scratch}/sqlite\n`,
    );
  }
  const started = Date.now();
  const backend = startBackend({
    bundleDir: image.dir,
    name: db,
    cwd: image.dir,
    configs: ['app-config.yaml', 'app-config.production.yaml', override],
    // Every variable production requires (it refuses to start without them), as the image and smoke tests give.
    env: productionEnv({ base, ciToken, LOG_LEVEL: 'warn' }),
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
      db,
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
try {
  const results = { sqlite: [], pg: [] };
  for (let i = 0; i < rounds; i++) {
    for (const db of i % 2 ? ['pg', 'sqlite'] : ['sqlite', 'pg'])
      results[db].push(await run(image, db));
  }
  const size = folderBytes(image.dir);
  const modules = folderBytes(path.join(image.dir, 'node_modules'));
  const median = xs =>
    [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  console.log(
    `\nops benchmark (${rounds} round(s), alternating; production config; image-equivalent folder)`,
  );
  for (const db of ['sqlite', 'pg']) {
    const r = results[db];
    console.log(
      `cold start → readiness ${db.padEnd(6)}: median ${median(
        r.map(x => x.startSeconds),
      ).toFixed(1)} s ` +
        `(runs: ${r.map(x => x.startSeconds.toFixed(1)).join(', ')})`,
    );
  }
  for (const db of ['sqlite', 'pg']) {
    const r = results[db];
    console.log(
      `RSS ${db.padEnd(6)}: ${median(r.map(x => x.rssStart)).toFixed(
        0,
      )} MiB after start, ` +
        `${median(r.map(x => x.rssLoaded)).toFixed(
          0,
        )} MiB after loading the sample catalog (${r[0].entities} entities)`,
    );
  }
  console.log(
    `image content: ${MiB(size)} MiB (node_modules ${MiB(
      modules,
    )} MiB, bundle + catalog + templates + configs ${MiB(
      size - modules,
    )} MiB; base image node:22-bookworm-slim not included)`,
  );
} finally {
  image.remove();
}
