// Our backend against a stock `@backstage/create-app` of the same release, side by side (issue 19).
// The stock app (scripts/bench/lib/stock-app.mjs) is generated once, pinned to our lockfile's @backstage/* versions,
// installed offline from the yarn cache and built; later runs reuse it from .tools/bench-stock. Both built bundles
// run under the same production-like settings: NODE_ENV=production, each its own app-config.production.yaml plus
// the same override (a throwaway PostgreSQL database, pools of at most 3, one sample entity file as the only catalog
// location, a static token for the load generator). Ours keeps everything it ships: the breaker, graceful
// shutdown, our permission policy, all our plugins, the Redis cache of its production config.
// Rounds alternate (ours, stock; then stock, ours; ...) and each is a fresh start, so load from other processes on
// the shared machine hits both sides alike. Per start: readiness time, RSS of the process tree at ready + 10 s, then
// autocannon on a single-entity read and on a list read. Prints medians and the ratios ours/stock.
// --profile: one more start of ours under `node --cpu-prof` with the single-entity load; prints self time by
// package and the top functions of our request path (scripts/bench/lib/cpuprofile.mjs).
// Usage: yarn build:backend && yarn bench:stock [--rounds 3] [--seconds 15] [--connections 10] [--profile]
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  freePort,
  productionEnv,
  startBackend,
  unpackBundle,
} from '../../system-tests/lib/backend.mjs';
import { summarize } from './lib/cpuprofile.mjs';
import { stockApp } from './lib/stock-app.mjs';

const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '15' },
    connections: { type: 'string', default: '10' },
    profile: { type: 'boolean', default: false },
  },
});
const token = `bench-stock-${process.pid}-${Date.now()}`;
const ENTITY = 'example-website';
const ROUTES = {
  entity: `/api/catalog/entities/by-name/component/default/${ENTITY}`,
  list: '/api/catalog/entities?limit=20',
};
const median = xs =>
  [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** RSS in MiB of `pid` and every process below it. */
function treeRssMiB(pid) {
  const children = new Map();
  for (const p of readdirSync('/proc').filter(d => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(p)]);
    } catch {
      // gone meanwhile
    }
  }
  let kib = 0;
  const visit = p => {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      kib += Number(status.match(/^VmRSS:\s+(\d+)/m)?.[1] ?? 0);
    } catch {
      return;
    }
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return kib / 1024;
}

// The one catalog file both read: the stock template's sample entities (a system, a component, an API).
const stock = stockApp();
const scratch = mkdtempSync(path.join(tmpdir(), 'bench-stock-'));
const entitiesFile = path.join(scratch, 'entities.yaml');
cpSync(path.join(stock.dir, 'examples/entities.yaml'), entitiesFile);

/** The stock backend's bundle, unpacked beside a link to the stock app's node_modules. */
function unpackStock() {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-stock-bundle-'));
  execFileSync('tar', [
    'xzf',
    path.join(stock.dir, 'packages/backend/dist/bundle.tar.gz'),
    '-C',
    dir,
  ]);
  symlinkSync(
    path.join(stock.dir, 'node_modules'),
    path.join(dir, 'node_modules'),
  );
  for (const f of ['app-config.yaml', 'app-config.production.yaml'])
    cpSync(path.join(stock.dir, f), path.join(dir, f));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const sides = {
  ours: unpackBundle(),
  stock: unpackStock(),
};

async function startSide(name, { cpuProfileDir } = {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dbName = `bench_stock_${name}_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({
    host: '127.0.0.1',
    user: 'postgres',
    database: 'postgres',
  });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const override = path.join(scratch, `app-config.${name}.yaml`);
  writeFileSync(
    override,
    [
      'app:',
      `  baseUrl: ${base}`,
      'backend:',
      `  baseUrl: ${base}`,
      `  listen: ':${port}'`,
      '  database:',
      '    client: pg',
      '    pluginDivisionMode: schema',
      `    connection: { host: 127.0.0.1, port: 5432, user: postgres, database: ${dbName} }`,
      '    knexConfig: { pool: { min: 0, max: 3 } }',
      // Stock has no static token of its own; ours gets the same one as BACKEND_CI_TOKEN (its production config's).
      ...(name === 'stock'
        ? [
            '  auth:',
            '    externalAccess:',
            `      - { type: static, options: { token: ${token}, subject: bench } }`,
          ]
        : []),
      'catalog:',
      '  locations:',
      `    - { type: file, target: ${entitiesFile} }`,
      '',
    ].join('\n'),
  );
  const { dir } = sides[name];
  const started = Date.now();
  const backend = startBackend({
    bundleDir: dir,
    name,
    cwd: dir,
    configs: ['app-config.yaml', 'app-config.production.yaml', override],
    env: productionEnv({
      base,
      ciToken: token,
      LOG_LEVEL: 'warn',
      ...(cpuProfileDir
        ? {
            NODE_OPTIONS: `${
              process.env.NODE_OPTIONS ?? ''
            } --cpu-prof --cpu-prof-dir=${cpuProfileDir}`,
          }
        : {}),
    }),
  });
  const stop = async () => {
    await backend.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  };
  try {
    const poll = async (what, fn, timeoutMs = 180_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (backend.exited())
          throw new Error(`${name} exited while waiting for ${what}`);
        try {
          if (await fn()) return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline)
          throw new Error(`${name}: timed out waiting for ${what}`);
        await new Promise(r => setTimeout(r, 100));
      }
    };
    await poll(
      'readiness',
      async () => (await fetch(`${base}/.backstage/health/v1/readiness`)).ok,
    );
    const readySeconds = (Date.now() - started) / 1000;
    await new Promise(r => setTimeout(r, 10_000));
    const rss = treeRssMiB(backend.pid);
    await poll(
      `the entity ${ENTITY}`,
      async () =>
        (
          await fetch(base + ROUTES.entity, {
            headers: { Authorization: `Bearer ${token}` },
          })
        ).ok,
    );
    return { name, base, backend, readySeconds, rss, stop };
  } catch (e) {
    console.error(`--- ${name} log tail\n${backend.log.slice(-30).join('\n')}`);
    await stop();
    throw e;
  }
}

/** CPU seconds (user + system) used so far by `pid` (Linux clock ticks, 100 per second). */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function load(target, route, seconds) {
  const cpuBefore = cpuSeconds(target.backend.pid);
  const result = await autocannon({
    url: target.base + route,
    connections: Number(opts.connections),
    duration: seconds,
    headers: { Authorization: `Bearer ${token}` },
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(
      `${target.name} ${route}: ${result.non2xx} non-2xx, ${result.errors} errors`,
    );
  // CPU per request: unlike req/s, hardly moved by other processes competing for the cores.
  const cpuMsPer1k =
    ((cpuSeconds(target.backend.pid) - cpuBefore) * 1e6) / result.requests.total;
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    cpuMsPer1k,
  };
}

/** One fresh start of `name`: readiness, RSS, then both loads after a short warm-up. */
async function measure(name) {
  let t;
  try {
    t = await startSide(name);
  } catch (e) {
    // PostgreSQL's 100 connections are shared with other test runs; a start that found none free is tried again.
    console.log(`${name}: start failed (${e.message}); one retry in 15 s`);
    await new Promise(r => setTimeout(r, 15_000));
    t = await startSide(name);
  }
  try {
    await load(t, ROUTES.entity, 3); // warm-up: JIT, caches, pools
    const entity = await load(t, ROUTES.entity, Number(opts.seconds));
    const list = await load(t, ROUTES.list, Number(opts.seconds));
    return { readySeconds: t.readySeconds, rss: t.rss, entity, list };
  } finally {
    await t.stop();
  }
}

/**
 * Both sides under `node --cpu-prof` with the single-entity load; self time of the load window only, per 1000
 * requests, by package: what ours spends that stock does not, and the functions of our own packages.
 */
async function profileBoth() {
  const seconds = Number(opts.seconds);
  const per1k = {};
  const startup = {};
  let ourFunctions;
  for (const name of ['ours', 'stock']) {
    const profDir = path.join(scratch, `cpu-prof-${name}`);
    const t = await startSide(name, { cpuProfileDir: profDir });
    let loadStart;
    let loadEnd;
    let requests;
    try {
      await load(t, ROUTES.entity, 3);
      loadStart = Date.now();
      const r = await load(t, ROUTES.entity, seconds);
      loadEnd = Date.now();
      requests = r.rps * seconds;
    } finally {
      await t.stop();
    }
    const exitAt = Date.now();
    const file = readdirSync(profDir).find(f => f.endsWith('.cpuprofile'));
    const s = summarize(path.join(profDir, file), {
      limit: 12,
      filter: p => /^(plugins|packages)\//.test(p),
      lastFromUs: (exitAt - loadStart) * 1000,
      lastToUs: (exitAt - loadEnd) * 1000,
    });
    per1k[name] = new Map(
      [...s.allPackages].map(([p, ms]) => [p, (ms * 1000) / requests]),
    );
    per1k[name].total = (s.busyMs * 1000) / requests;
    if (name === 'ours') ourFunctions = s.functions;
    // Start-up: from the process start to readiness.
    const up = summarize(path.join(profDir, file), {
      firstUs: t.readySeconds * 1e6,
    });
    startup[name] = up.allPackages;
    startup[name].total = up.busyMs;
    startup[name].ready = t.readySeconds;
  }
  console.log(
    `\nCPU profile (node --cpu-prof) of each side during ${seconds} s of the entity read: busy CPU ms per 1000 requests`,
  );
  console.log(
    `  total: ours ${per1k.ours.total.toFixed(
      0,
    )}, stock ${per1k.stock.total.toFixed(0)} (${(
      per1k.ours.total / per1k.stock.total
    ).toFixed(2)})`,
  );
  const names = new Set([...per1k.ours.keys(), ...per1k.stock.keys()]);
  const diff = [...names]
    .map(p => ({
      p,
      o: per1k.ours.get(p) ?? 0,
      s: per1k.stock.get(p) ?? 0,
    }))
    .sort((a, b) => b.o - b.s - (a.o - a.s))
    .slice(0, 12);
  console.log('  packages where ours spends most more than stock (self time):');
  for (const d of diff)
    console.log(
      `    ${(d.o - d.s).toFixed(1).padStart(7)}  (ours ${d.o.toFixed(
        1,
      )}, stock ${d.s.toFixed(1)})  ${d.p}`,
    );
  console.log('  our packages, top functions (self ms in the window):');
  for (const f of ourFunctions)
    console.log(`    ${f.ms.toFixed(1).padStart(7)}  ${f.name}`);
  // Readiness and RSS: what ours loads and runs at start-up that stock does not (its extra plugins and modules).
  console.log(
    `start-up to readiness: ours ${startup.ours.ready.toFixed(1)} s, ${startup.ours.total.toFixed(
      0,
    )} CPU ms; stock ${startup.stock.ready.toFixed(1)} s, ${startup.stock.total.toFixed(0)} CPU ms`,
  );
  const grouped = m => {
    const g = new Map();
    for (const [p, ms] of m) {
      const key = /^(plugins|packages)\//.test(p) ? 'our workspace packages' : p;
      g.set(key, (g.get(key) ?? 0) + ms);
    }
    return g;
  };
  const [uo, us] = [grouped(startup.ours), grouped(startup.stock)];
  const upDiff = [...new Set([...uo.keys(), ...us.keys()])]
    .map(p => ({ p, d: (uo.get(p) ?? 0) - (us.get(p) ?? 0) }))
    .sort((a, b) => b.d - a.d)
    .slice(0, 12);
  console.log('  start-up CPU ms ours minus stock, by package (packages stock never loads show in full):');
  for (const { p, d } of upDiff)
    console.log(`    ${d.toFixed(0).padStart(6)}  ${p}${us.has(p) ? '' : ' (not in stock)'}`);
}

const results = { ours: [], stock: [] };

/** Medians of the rounds and the ratios ours/stock. */
function printTable() {
  const med = (name, f) => median(results[name].map(f));
  const rows = [
    ['readiness (s)', r => r.readySeconds, 1],
    ['RSS ready+10s (MiB)', r => r.rss, 0],
    ['entity p50 (ms)', r => r.entity.p50, 1],
    ['entity p99 (ms)', r => r.entity.p99, 1],
    ['entity req/s', r => r.entity.rps, 0],
    ['entity CPU ms/1k req', r => r.entity.cpuMsPer1k, 0],
    ['list p50 (ms)', r => r.list.p50, 1],
    ['list p99 (ms)', r => r.list.p99, 1],
    ['list req/s', r => r.list.rps, 0],
    ['list CPU ms/1k req', r => r.list.cpuMsPer1k, 0],
  ];
  console.log(
    `\nbuilt bundles, production settings, PostgreSQL; medians of ${opts.rounds} rounds; autocannon ${opts.connections} connections ${opts.seconds} s`,
  );
  console.log(
    `${''.padEnd(22)}${'ours'.padStart(9)}${'stock'.padStart(
      9,
    )}  ours/stock  (median of the rounds' own ratios)`,
  );
  for (const [label, f, digits] of rows) {
    const o = med('ours', f);
    const s = med('stock', f);
    // Each round's ours and stock ran back to back: their ratio is less exposed to drifting load.
    const paired = median(
      results.ours.map((r, i) => f(r) / f(results.stock[i])),
    );
    console.log(
      `${label.padEnd(22)}${o.toFixed(digits).padStart(9)}${s
        .toFixed(digits)
        .padStart(9)}  ${(o / s).toFixed(2).padStart(10)}  (${paired.toFixed(
        2,
      )})`,
    );
  }
  console.log(`GET ${ROUTES.entity}\nGET ${ROUTES.list}`);
}

try {
  console.log(
    `stock: @backstage/create-app@${stock.createApp} (Backstage ${
      stock.release
    }, legacy), ${
      stock.cached ? 'cached' : `set up in ${stock.setupSeconds.toFixed(0)} s`
    }${
      stock.offline ? ', installed offline' : ''
    }, @backstage/* pinned to our yarn.lock`,
  );
  console.log(
    `alternating rounds (fresh start each) so that load from other processes on this shared machine hits both sides`,
  );
  for (let round = 0; round < Number(opts.rounds); round++) {
    const order = round % 2 ? ['stock', 'ours'] : ['ours', 'stock'];
    for (const name of order) {
      const r = await measure(name);
      results[name].push(r);
      console.log(
        `round ${round + 1} ${name.padEnd(5)} ready ${r.readySeconds.toFixed(
          1,
        )} s  rss ${r.rss.toFixed(0)} MiB  entity p50 ${
          r.entity.p50
        } ms ${r.entity.rps.toFixed(0)} req/s  list p50 ${
          r.list.p50
        } ms ${r.list.rps.toFixed(0)} req/s`,
      );
    }
  }
  if (Number(opts.rounds) > 0) printTable();

  if (opts.profile) await profileBoth();
} finally {
  sides.ours.remove();
  sides.stock.remove();
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(0); // the throwaway Redis of productionEnv() is stopped on exit
