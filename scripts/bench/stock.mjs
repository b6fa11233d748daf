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
// --profile: one more start of each side under `node --cpu-prof`; prints self time by package during the idle
// seconds after readiness (background work: schedulers, pollers) and during the single-entity load, ours minus
// stock, the main thread's busy share at idle, and the top functions of our packages (scripts/bench/lib/cpuprofile.mjs).
// --variants relaxed,stock-chain,drop:<id>+<id>,...: more variants of ours in the same alternating rounds: `relaxed` is ours with
// its extra schedules moved out of the run by config (tech-migrations evaluation, manage catalog mirror and KPI
// providers, the GitHub org provider; `relaxed:manage+catalog` moves only those config keys' schedules out); `stock-chain` is ours with neither router override (breaker, graceful
// shutdown: scripts/bench/lib/stock-chain.cjs), i.e. what our request path costs (`stock-http`: only the breaker's
// httpRouter replaced by the stock one; `stock-root`: only graceful shutdown's root router); `drop:<ids>` is ours without those plugins and their modules
// (scripts/bench/lib/drop-plugins.cjs; `label=drop:...` names it), to attribute RSS and idle CPU to them; `<label>@<bundle.tar.gz>` is another
// build of ours (before/after a change in one run); `stock-aa` is a second stock side (A/A: the method's own spread);
// `label=node:<flag>+<flag>` is ours with extra Node/V8 flags (`label=stock-node:...`: stock with them).
// --dev: readiness of a development start (`backstage-cli package start`, as `yarn start` runs the backend: sources
// transpiled on load, file watcher) of both apps in alternating rounds (--dev-rounds), on the same override.
// --modules: at ready + idle each start also reports its memory breakdown and the modules it has loaded, by
// package (scripts/bench/lib/loaded-modules.cjs); printed as each variant minus stock, to attribute RSS.
// --ab N [--ab-seconds 5] [--ab-profile <dir>]: one start of ours serving every plugin through our httpRouter chain
// (/api) and the stock one (/stock-chain/api), N rounds of alternating loads on both (scripts/bench/lib/ab-chain.cjs);
// BENCH_AB_STOCK_ONLY=1 puts the stock chain at both paths (A/A: the method's own bias).
// --together N [--together-starts 3] [--together-seconds 4] [--together-profile <dir>]: every side (ours, stock, --variants) up at once, N windows
// in which each takes a turn of load; ratios per window, so the host's speed drifts between starts cancel out
// (use --rounds 0 to skip the separate starts); --together-profile: each under node --cpu-prof, self time per request
// in the entity windows, each variant minus stock, by package and by function.
// Before the loads each start waits (--settle, at most 30 s) until its start-up work is over (CPU below 3 % of a core).
// Every figure line states the machine's load average, since other processes share its cores.
// Usage: yarn build:backend && yarn bench:stock [--rounds 3] [--seconds 15] [--connections 10] [--settle 30] [--profile]
//          [--variants relaxed,drop:manage,before@/tmp/bundle.tar.gz] [--dev] [--dev-rounds 2] [--no-build-lock]
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  freePort,
  onExit,
  productionEnv,
  root,
  startBackend,
  unpackBundle,
} from '../../system-tests/lib/backend.mjs';
import { DEV_ONLY_PACKAGES } from '../../system-tests/lib/production-install.mjs';
import { summarize } from './lib/cpuprofile.mjs';
import { stockApp } from './lib/stock-app.mjs';

const { values: opts } = parseArgs({
  allowNegative: true,
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '15' },
    connections: { type: 'string', default: '10' },
    profile: { type: 'boolean', default: false },
    variants: { type: 'string', default: '' },
    dev: { type: 'boolean', default: false },
    'dev-rounds': { type: 'string', default: '2' },
    idle: { type: 'string', default: '10' },
    'build-lock': { type: 'boolean', default: true },
    settle: { type: 'string', default: '30' },
    'keep-profiles': { type: 'string' },
    ab: { type: 'string', default: '0' },
    'ab-seconds': { type: 'string', default: '5' },
    'ab-profile': { type: 'string' },
    together: { type: 'string', default: '0' },
    'together-starts': { type: 'string', default: '3' },
    'together-seconds': { type: 'string', default: '4' },
    'together-profile': { type: 'string' },
    modules: { type: 'boolean', default: false },
  },
});
const IDLE_SECONDS = Number(opts.idle);
const load1 = () => loadavg()[0].toFixed(1);
const token = `bench-stock-${process.pid}-${Date.now()}`;
const ENTITY = 'example-website';
const ROUTES = {
  entity: `/api/catalog/entities/by-name/component/default/${ENTITY}`,
  list: '/api/catalog/entities?limit=20',
};
const median = xs =>
  [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** The `q` quantile of `xs` (nearest rank). */
const percentile = (xs, q) => {
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};

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

/** Runs `fn` holding the build lock (yarn build:backend rewrites packages/backend/dist under it). */
async function withBuildLock(fn) {
  // -o: only flock itself holds the lock (not its child), and the whole group is killed after: nothing outlives it.
  const holder = spawn(
    'flock',
    [
      '-o',
      '/tmp/backstage-build.lock',
      'sh',
      '-c',
      'echo locked; exec sleep 3600',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], detached: true },
  );
  // Also when this script is interrupted while waiting or unpacking.
  const cancel = onExit(() => process.kill(-holder.pid, 'SIGKILL'));
  await new Promise((resolve, reject) => {
    holder.stdout.once('data', resolve);
    holder.once('exit', code => reject(new Error(`flock exited ${code}`)));
  });
  try {
    return fn();
  } finally {
    process.kill(-holder.pid, 'SIGKILL');
    cancel();
  }
}

/**
 * Ours as the image has it: unpackBundle() adds the development-only packages (for the development config of other
 * tests) and links every package of the repository's node_modules; the image has neither. Left in, their
 * config.d.ts schemas are compiled with TypeScript at start-up (backend-defaults' secret enumerator walks every
 * workspace package's dependencies and devDependencies), which production never does: +18 MiB of loaded TypeScript
 * source and a heap grown by ~80 MiB, seconds of start-up CPU (bench:stock --modules).
 */
function productionLike(side) {
  for (const pkg of DEV_ONLY_PACKAGES)
    for (const p of [pkg.dir, `node_modules/${pkg.name}`])
      rmSync(path.join(side.dir, p), { recursive: true, force: true });
  return side;
}

const sides = {
  // --no-build-lock: packages/backend/dist is a build of one's own (e.g. of a git worktree), no one else rebuilds it.
  ours: productionLike(
    opts['build-lock'] ? await withBuildLock(unpackBundle) : unpackBundle(),
  ),
  stock: unpackStock(),
};

// Variants of ours (--variants): a name, extra config and extra environment.
const RELAXED = {
  // Our background schedules out of the run: evaluation, catalog mirror, KPI providers, GitHub org ingestion.
  techMigrations: {
    schedule: {
      frequency: { hours: 24 },
      timeout: { minutes: 5 },
      initialDelay: { hours: 24 },
    },
  },
  manage: {
    catalogSync: {
      frequency: { hours: 24 },
      timeout: { minutes: 5 },
      initialDelay: { hours: 24 },
    },
    providers: null,
  },
  catalog: { providers: null },
};
const variants = opts.variants
  .split(',')
  .filter(Boolean)
  .map(v => {
    if (v === 'relaxed') return { name: v, base: 'ours', config: RELAXED };
    // A second stock side: stock against itself (A/A), the method's own spread and bias.
    if (v === 'stock-aa') return { name: v, base: 'stock' };
    // `label=node:<flag>+<flag>` (ours) or `label=stock-node:...` (stock): that side with extra Node/V8 flags.
    const flags = v.match(/^([\w-]+)=(stock-)?node:(.+)$/);
    if (flags)
      return {
        name: flags[1],
        base: flags[2] ? 'stock' : 'ours',
        env: { NODE_OPTIONS: flags[3].split('+').join(' ') },
      };
    // `relaxed:<key>+<key>`: only those parts of RELAXED (techMigrations, manage, catalog), to tell which schedule it is.
    const partly = v.match(/^relaxed:(.+)$/);
    if (partly) {
      const keys = partly[1].split('+');
      for (const k of keys)
        if (!(k in RELAXED))
          throw new Error(
            `${v}: ${k} is not one of ${Object.keys(RELAXED).join(', ')}`,
          );
      return {
        name: v,
        base: 'ours',
        config: Object.fromEntries(keys.map(k => [k, RELAXED[k]])),
      };
    }
    // Ours with the stock HTTP chain: neither router override (breaker, graceful shutdown), everything else as
    // shipped: what our request path costs, in the same run (scripts/bench/lib/stock-chain.cjs).
    // `stock-http` drops only the breaker's httpRouter factory, `stock-root` only graceful shutdown's root router.
    const stockServices = {
      'stock-chain': 'core.httpRouter,core.rootHttpRouter',
      'stock-http': 'core.httpRouter',
      'stock-root': 'core.rootHttpRouter',
    }[v];
    if (stockServices)
      return {
        name: v,
        base: 'ours',
        env: {
          BENCH_STOCK_SERVICES: stockServices,
          NODE_OPTIONS: `--require ${path.join(
            import.meta.dirname,
            'lib/stock-chain.cjs',
          )}`,
        },
      };
    const other = v.match(/^([\w-]+)@(.+\.tar\.gz)$/);
    if (other) {
      // Another build of ours (e.g. a bundle.tar.gz copied before a change): unpacked over a copy of the current
      // one, so node_modules links are the same and the other build's files win.
      const side = sides.ours.dir;
      const dir = mkdtempSync(path.join(tmpdir(), `bench-stock-${other[1]}-`));
      cpSync(side, dir, { recursive: true, verbatimSymlinks: true });
      // Our packages' links point into the copied folder: repoint them at the copy.
      const nm = path.join(dir, 'node_modules');
      for (const entry of readdirSync(nm)) {
        const names = entry.startsWith('@')
          ? readdirSync(path.join(nm, entry)).map(n => `${entry}/${n}`)
          : [entry];
        for (const n of names) {
          const link = path.join(nm, n);
          let target;
          try {
            target = readlinkSync(link);
          } catch {
            continue; // a folder, not a link
          }
          if (!target.startsWith(`${side}/`)) continue;
          rmSync(link);
          symlinkSync(dir + target.slice(side.length), link);
        }
      }
      execFileSync('tar', ['xzf', other[2], '-C', dir]);
      sides[other[1]] = {
        dir,
        remove: () => rmSync(dir, { recursive: true, force: true }),
      };
      return { name: other[1], base: other[1] };
    }
    // `label=drop:...` names the column.
    const drop = v.match(/^(?:([\w-]+)=)?drop:(.+)$/);
    if (!drop) throw new Error(`unknown variant ${v}`);
    return {
      name: drop[1] ?? v,
      base: 'ours',
      env: {
        BENCH_DROP_PLUGINS: drop[2].split('+').join(','),
        NODE_OPTIONS: `--require ${path.join(
          import.meta.dirname,
          'lib/drop-plugins.cjs',
        )}`,
      },
    };
  });
const specs = [
  { name: 'ours', base: 'ours' },
  { name: 'stock', base: 'stock' },
  ...variants,
  // --ab: ours serving every plugin twice, through our chain and through the stock one (scripts/bench/lib/ab-chain.cjs).
  ...(Number(opts.ab) > 0
    ? [
        {
          name: 'ab',
          base: 'ours',
          internal: true,
          env: {
            NODE_OPTIONS: `--require ${path.join(
              import.meta.dirname,
              'lib/ab-chain.cjs',
            )}`,
          },
        },
      ]
    : []),
];
const specOf = name => specs.find(s => s.name === name);
/** The sides of the alternating rounds (not --ab's internal one). */
const roundSpecs = specs.filter(s => !s.internal);

/** Deep merge of plain objects; `b` wins (null included, which unsets a key in Backstage config). */
function merge(a, b) {
  if (!b || typeof b !== 'object' || Array.isArray(b)) return b;
  const out = { ...(a && typeof a === 'object' ? a : {}) };
  for (const [k, v] of Object.entries(b)) out[k] = merge(out[k], v);
  return out;
}

/** The override every start of `name` gets: its own database, port, the sample entities, a static token. */
async function overrideFor(name, { dev = false } = {}) {
  const spec = specOf(name);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dbName = `bench_stock_${name.replace(/\W/g, '_')}_${
    process.pid
  }_${Date.now()}`;
  const admin = new pg.Client({
    host: '127.0.0.1',
    user: 'postgres',
    database: 'postgres',
  });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const config = merge(
    {
      app: { baseUrl: base },
      backend: {
        baseUrl: base,
        listen: `:${port}`,
        database: {
          client: 'pg',
          pluginDivisionMode: 'schema',
          connection: {
            host: '127.0.0.1',
            port: 5432,
            user: 'postgres',
            database: dbName,
          },
          knexConfig: { pool: { min: 0, max: 3 } },
        },
        // Stock has no static token of its own; ours gets the same one as BACKEND_CI_TOKEN (its production
        // config's). A development start of either has none.
        ...(spec.base === 'stock' || dev
          ? {
              auth: {
                externalAccess: [
                  { type: 'static', options: { token, subject: 'bench' } },
                ],
              },
            }
          : {}),
        ...(dev ? { cors: { origin: base } } : {}),
      },
      catalog: { locations: [{ type: 'file', target: entitiesFile }] },
    },
    spec.config ?? {},
  );
  const file = path.join(scratch, `app-config.${dbName}.yaml`);
  writeFileSync(file, JSON.stringify(config, null, 2)); // JSON is YAML
  const drop = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  };
  // Transactions the backend ran on its database so far (PostgreSQL's statistics, flushed by each connection at
  // most a second late): a count other processes on the machine cannot inflate.
  const xacts = async () =>
    Number(
      (
        await admin.query(
          'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1',
          [dbName],
        )
      ).rows[0].n,
    );
  return { spec, port, base, file, drop, xacts };
}

/** Polls `fn` until truthy; gives up when `exited()` or after `timeoutMs`. */
async function poll(name, what, exited, fn, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited()) throw new Error(`${name} exited while waiting for ${what}`);
    try {
      if (await fn()) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${name}: timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 100));
  }
}

async function startSide(name, { cpuProfileDir } = {}) {
  const { spec, base, file: override, drop, xacts } = await overrideFor(name);
  const nodeOptions = [
    process.env.NODE_OPTIONS ?? '',
    spec.env?.NODE_OPTIONS ?? '',
    cpuProfileDir ? `--cpu-prof --cpu-prof-dir=${cpuProfileDir}` : '',
    opts.modules
      ? `--require ${path.join(import.meta.dirname, 'lib/loaded-modules.cjs')}`
      : '',
  ]
    .join(' ')
    .trim();
  const { dir } = sides[spec.base];
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
      BENCH_MODULES_FILE: `${override}.modules.json`,
      ...spec.env,
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    }),
  });
  // Resolves to when the process had exited (its --cpu-prof profile ends then), before the database drop, which
  // takes a second or more and would shift every profile window counted back from the end.
  const stop = async () => {
    await backend.stop();
    const exitedAt = Date.now();
    await drop();
    return exitedAt;
  };
  try {
    await poll(
      name,
      'readiness',
      backend.exited,
      async () => (await fetch(`${base}/.backstage/health/v1/readiness`)).ok,
    );
    const readyAt = Date.now();
    const readySeconds = (readyAt - started) / 1000;
    // Idle: no request for IDLE_SECONDS after readiness; what the process spends then is background work.
    const cpuBefore = cpuSeconds(backend.pid);
    const xactsBefore = await xacts();
    await new Promise(r => setTimeout(r, IDLE_SECONDS * 1000));
    const idleEndAt = Date.now();
    const idleXactsPerS =
      ((await xacts()) - xactsBefore) / ((idleEndAt - readyAt) / 1000);
    const idleCpu =
      (cpuSeconds(backend.pid) - cpuBefore) / ((idleEndAt - readyAt) / 1000);
    const rss = treeRssMiB(backend.pid);
    let modules;
    if (opts.modules) {
      process.kill(backend.pid, 'SIGUSR2');
      await poll(name, 'the modules report', backend.exited, () =>
        existsSync(`${override}.modules.json`),
      );
      await new Promise(r => setTimeout(r, 200)); // written in one call; let it finish
      modules = JSON.parse(readFileSync(`${override}.modules.json`, 'utf8'));
    }
    await poll(
      name,
      `the entity ${ENTITY}`,
      backend.exited,
      async () =>
        (
          await fetch(base + ROUTES.entity, {
            headers: { Authorization: `Bearer ${token}` },
          })
        ).ok,
    );
    return {
      name,
      base,
      backend,
      started,
      readySeconds,
      readyAt,
      idleEndAt,
      idleCpu,
      idleXactsPerS,
      xacts,
      rss,
      modules,
      stop,
    };
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
  const xactsBefore = await target.xacts();
  const run = autocannon({
    url: target.base + route,
    connections: Number(opts.connections),
    duration: seconds,
    headers: { Authorization: `Bearer ${token}` },
  });
  // Each response's own time (process.hrtime, fractional ms): autocannon's histogram keeps whole milliseconds,
  // too coarse for a 1.05 bound on a p50 of a few ms.
  const times = [];
  run.on('response', (_client, _status, _bytes, ms) => times.push(ms));
  const result = await run;
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(
      `${target.name} ${route}: ${result.non2xx} non-2xx, ${result.errors} errors`,
    );
  // CPU per request: unlike req/s, hardly moved by other processes competing for the cores.
  const cpuMsPer1k =
    ((cpuSeconds(target.backend.pid) - cpuBefore) * 1e6) /
    result.requests.total;
  await new Promise(r => setTimeout(r, 1500)); // statistics flushed
  const xactsPerReq =
    ((await target.xacts()) - xactsBefore) / result.requests.total;
  return {
    xactsPerReq,
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    rps: result.requests.average,
    cpuMsPer1k,
  };
}

/**
 * Waits (at most --settle seconds) until the backend's start-up work is over, i.e. its CPU over the last 2 s is below
 * 3 % of a core: the first catalog processing, stitching and search indexing of a fresh start otherwise overlap the
 * load at a different point each start and move req/s by ±20 % between rounds. Returns the seconds waited.
 */
async function settle(t) {
  const started = Date.now();
  const samples = [cpuSeconds(t.backend.pid)];
  while (Date.now() - started < Number(opts.settle) * 1000) {
    await new Promise(r => setTimeout(r, 1000));
    samples.push(cpuSeconds(t.backend.pid));
    if (samples.length >= 3 && samples.at(-1) - samples.at(-3) < 0.06) break;
  }
  return (Date.now() - started) / 1000;
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
    const settledAfter = await settle(t);
    await load(t, ROUTES.entity, 3); // warm-up: JIT, caches, pools
    const entity = await load(t, ROUTES.entity, Number(opts.seconds));
    const list = await load(t, ROUTES.list, Number(opts.seconds));
    return {
      // LOG_LEVEL=warn: what a side logs during the run is its warnings and errors (a loop of them costs CPU).
      warnings: t.backend.log.filter(l => l.trim()),
      settledAfter,
      readySeconds: t.readySeconds,
      rss: t.rss,
      idleCpu: t.idleCpu,
      idleXactsPerS: t.idleXactsPerS,
      modules: t.modules,
      entity,
      list,
    };
  } finally {
    await t.stop();
  }
}

/** Where a package's self time is counted: each of our workspace packages, @backstage/*, node, V8, the rest. */
const groupOf = p =>
  /^(plugins|packages)\//.test(p)
    ? `ours ${p}`
    : p.startsWith('@backstage/')
    ? p
    : [
        'node:internal',
        '(garbage collector)',
        '(program)',
        '(native)',
      ].includes(p)
    ? p
    : `third-party ${p}`;
const coarseOf = p =>
  /^(plugins|packages)\//.test(p)
    ? 'our workspace packages'
    : p.startsWith('@backstage/')
    ? '@backstage/*'
    : [
        'node:internal',
        '(garbage collector)',
        '(program)',
        '(native)',
      ].includes(p)
    ? 'node and V8 (internals, GC, program, native)'
    : 'third-party node_modules';

function printDiff(title, a, b, nameA, nameB, unit, limit = 10) {
  const names = new Set([...a.keys(), ...b.keys()]);
  const rows = [...names]
    .map(p => ({ p, o: a.get(p) ?? 0, s: b.get(p) ?? 0 }))
    .sort((x, y) => Math.abs(y.o - y.s) - Math.abs(x.o - x.s))
    .slice(0, limit);
  console.log(`  ${title}`);
  for (const d of rows)
    console.log(
      `    ${(d.o - d.s)
        .toFixed(1)
        .padStart(7)} ${unit}  (${nameA} ${d.o.toFixed(
        1,
      )}, ${nameB} ${d.s.toFixed(1)})  ${d.p}`,
    );
}

const sumBy = (m, key) => {
  const g = new Map();
  for (const [p, ms] of m) g.set(key(p), (g.get(key(p)) ?? 0) + ms);
  return g;
};

/**
 * Each of `names` under `node --cpu-prof`: self time during the idle window after readiness (background work, per
 * second) and during the single-entity load (per 1000 requests), by package, each variant minus stock.
 */
async function profileAll(names) {
  const seconds = Number(opts.seconds);
  const prof = {};
  for (const name of names) {
    const profDir = path.join(scratch, `cpu-prof-${name.replace(/\W/g, '_')}`);
    const t = await startSide(name, { cpuProfileDir: profDir });
    let loadStart;
    let loadEnd;
    let requests;
    let exitAt;
    try {
      await load(t, ROUTES.entity, 3);
      loadStart = Date.now();
      const r = await load(t, ROUTES.entity, seconds);
      loadEnd = Date.now();
      requests = r.rps * seconds;
    } finally {
      exitAt = await t.stop();
    }
    const file = path.join(
      profDir,
      readdirSync(profDir).find(f => f.endsWith('.cpuprofile')),
    );
    // --keep-profiles <dir>: the raw profile and its windows, for a closer look (e.g. Chrome DevTools).
    if (opts['keep-profiles']) {
      const kept = path.join(opts['keep-profiles'], `${name}.cpuprofile`);
      cpSync(file, kept);
      writeFileSync(
        `${kept}.windows.json`,
        JSON.stringify({ exitAt, loadStart, loadEnd, requests, ...t }, (k, v) =>
          k === 'backend' || k === 'modules' ? undefined : v,
        ),
      );
    }
    const window = (from, to) =>
      summarize(file, {
        limit: 12,
        filter: p => /^(plugins|packages)\//.test(p),
        lastFromUs: (exitAt - from) * 1000,
        lastToUs: (exitAt - to) * 1000,
      });
    // Start-up: from the profile's start (the process's) to readiness.
    const startUp = summarize(file, {
      limit: 12,
      filter: p => /^(plugins|packages)\//.test(p),
      firstUs: (t.readyAt - t.started) * 1000,
      callersOf: ['ajv'],
    });
    const idleSeconds = (t.idleEndAt - t.readyAt) / 1000;
    const idle = window(t.readyAt, t.idleEndAt);
    const busy = window(loadStart, loadEnd);
    prof[name] = {
      readySeconds: t.readySeconds,
      startBusyMs: startUp.busyMs,
      startMs: startUp.allPackages,
      startFunctions: startUp.functions,
      startCallers: startUp.callers,
      idlePerS: new Map(
        [...idle.allPackages].map(([p, ms]) => [p, ms / idleSeconds]),
      ),
      // The main thread's busy share of the idle window: its event-loop utilisation with no request.
      idleElu: idle.busyMs / (idleSeconds * 1000),
      idleFunctions: idle.functions,
      loadPer1k: new Map(
        [...busy.allPackages].map(([p, ms]) => [p, (ms * 1000) / requests]),
      ),
      loadTotal: (busy.busyMs * 1000) / requests,
      loadFunctions: busy.functions,
    };
  }
  console.log(
    `\nCPU profiles (node --cpu-prof, main thread self time), one start each, load average ${load1()}:`,
  );
  for (const name of names)
    console.log(
      `  ${name.padEnd(
        24,
      )} idle ${IDLE_SECONDS} s after ready: main thread busy ${(
        prof[name].idleElu * 100
      ).toFixed(1)} %  |  start: ready in ${prof[name].readySeconds.toFixed(
        1,
      )} s, main thread busy ${(prof[name].startBusyMs / 1000).toFixed(
        1,
      )} s  |  entity load: ${prof[name].loadTotal.toFixed(
        0,
      )} CPU ms per 1000 requests`,
    );
  for (const name of names.filter(n => n !== 'stock')) {
    const o = prof[name];
    const s = prof.stock;
    console.log(`\n${name} minus stock:`);
    // [title, per-package map of each side, how packages are grouped (none: as they are), unit, rows]
    const tables = [
      ['start-up to readiness, coarse (CPU ms)', 'startMs', coarseOf, 'ms', 10],
      [
        'start-up to readiness, by package (CPU ms)',
        'startMs',
        groupOf,
        'ms',
        16,
      ],
      [
        'start-up to readiness, ajv (JSON schema compilation) by its caller (CPU ms)',
        'startCallers',
        undefined,
        'ms',
        8,
      ],
      ['idle, coarse (CPU ms per second)', 'idlePerS', coarseOf, 'ms/s', 10],
      ['idle, by package (CPU ms per second)', 'idlePerS', groupOf, 'ms/s', 10],
      [
        'entity load, coarse (CPU ms per 1000 requests)',
        'loadPer1k',
        coarseOf,
        'ms/1k',
        10,
      ],
      [
        'entity load, by package (CPU ms per 1000 requests)',
        'loadPer1k',
        groupOf,
        'ms/1k',
        14,
      ],
    ];
    for (const [title, key, group, unit, limit] of tables)
      printDiff(
        `${title}:`,
        group ? sumBy(o[key], group) : o[key],
        group ? sumBy(s[key], group) : s[key],
        name,
        'stock',
        unit,
        limit,
      );
    console.log('  our packages at start-up, top functions (self ms):');
    for (const f of o.startFunctions.slice(0, 6))
      console.log(`    ${f.ms.toFixed(1).padStart(7)}  ${f.name}`);
    console.log(
      `  our packages at idle, top functions (self ms in ${IDLE_SECONDS} s):`,
    );
    for (const f of o.idleFunctions.slice(0, 6))
      console.log(`    ${f.ms.toFixed(1).padStart(7)}  ${f.name}`);
    console.log(
      '  our packages under load, top functions (self ms in the window):',
    );
    for (const f of o.loadFunctions.slice(0, 8))
      console.log(`    ${f.ms.toFixed(1).padStart(7)}  ${f.name}`);
  }
}

/**
 * A development start of `name` (ours or stock): `backstage-cli package start` in its packages/backend, as
 * `yarn start` runs the backend, with the same override as the built start. Returns readiness time and RSS.
 */
async function devStart(name) {
  const o = await overrideFor(name, { dev: true });
  const appDir = name === 'ours' ? root : stock.dir;
  const env = {
    ...process.env,
    LOG_LEVEL: 'warn',
    BACKSTAGE_DATA_DIR: path.join(scratch, `data-${name}`),
  };
  delete env.NODE_ENV;
  const started = Date.now();
  // Its own process group: the CLI runs the backend as a child (and restarts it on file changes).
  const child = spawn(
    process.execPath,
    [
      path.join(appDir, 'node_modules/@backstage/cli/bin/backstage-cli'),
      'package',
      'start',
      '--config',
      path.join(appDir, 'app-config.yaml'),
      '--config',
      o.file,
    ],
    {
      cwd: path.join(appDir, 'packages/backend'),
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const log = [];
  for (const s of [child.stdout, child.stderr])
    s.on('data', d => log.push(...String(d).split('\n')));
  const killGroup = signal => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  try {
    await poll(
      `${name} (dev)`,
      'readiness',
      exited,
      async () => (await fetch(`${o.base}/.backstage/health/v1/readiness`)).ok,
    );
    const readySeconds = (Date.now() - started) / 1000;
    await new Promise(r => setTimeout(r, IDLE_SECONDS * 1000));
    return { readySeconds, rss: treeRssMiB(child.pid) };
  } catch (e) {
    console.error(`--- ${name} (dev) log tail\n${log.slice(-30).join('\n')}`);
    throw e;
  } finally {
    killGroup('SIGTERM');
    const gone = new Promise(r => (exited() ? r() : child.once('exit', r)));
    await Promise.race([gone, new Promise(r => setTimeout(r, 15_000))]);
    killGroup('SIGKILL');
    process.off('exit', onExit);
    await o.drop();
  }
}

async function devRounds() {
  const rounds = Number(opts['dev-rounds']);
  const dev = { ours: [], stock: [] };
  for (let round = 0; round < rounds; round++) {
    for (const name of round % 2 ? ['stock', 'ours'] : ['ours', 'stock']) {
      const r = await devStart(name);
      dev[name].push(r);
      console.log(
        `dev round ${round + 1} ${name.padEnd(
          5,
        )} ready ${r.readySeconds.toFixed(1)} s  rss ${r.rss.toFixed(
          0,
        )} MiB  (load average ${load1()})`,
      );
    }
  }
  const m = (name, f) => median(dev[name].map(f));
  console.log(
    `\ndevelopment start (backstage-cli package start), PostgreSQL; medians of ${rounds} rounds; load average ${load1()}`,
  );
  for (const [label, f, digits] of [
    ['dev readiness (s)', r => r.readySeconds, 1],
    [`dev RSS ready+${IDLE_SECONDS}s (MiB)`, r => r.rss, 0],
  ]) {
    const o = m('ours', f);
    const s = m('stock', f);
    console.log(
      `${label.padEnd(24)}${o.toFixed(digits).padStart(9)}${s
        .toFixed(digits)
        .padStart(9)}  ${(o / s).toFixed(2).padStart(10)}`,
    );
  }
}

/** Round 1's memory breakdown and loaded code of each variant minus stock's. */
function printModules() {
  const mib = b => b / 1048576;
  const s = results.stock[0].modules;
  for (const name of roundSpecs.map(x => x.name).filter(n => n !== 'stock')) {
    const o = results[name][0].modules;
    console.log(
      `\n${name} minus stock, at ready + ${IDLE_SECONDS} s (round 1), MiB: ${[
        'rss',
        'heapTotal',
        'heapUsed',
        'external',
        'arrayBuffers',
      ]
        .map(k => `${k} ${mib(o.memory[k] - s.memory[k]).toFixed(1)}`)
        .join(', ')}`,
    );
    console.log(
      `  V8 heap spaces used: ${Object.keys(o.spaces)
        .map(k => `${k} ${mib(o.spaces[k] - (s.spaces[k] ?? 0)).toFixed(1)}`)
        .join(', ')}`,
    );
    const all = new Set([
      ...Object.keys(o.packages),
      ...Object.keys(s.packages),
    ]);
    const rows = [...all].map(p => ({
      p,
      files: (o.packages[p]?.files ?? 0) - (s.packages[p]?.files ?? 0),
      bytes: (o.packages[p]?.bytes ?? 0) - (s.packages[p]?.bytes ?? 0),
      onlyOurs: !s.packages[p],
    }));
    const only = rows.filter(r => r.onlyOurs);
    const sum = xs => xs.reduce((a, r) => a + r.bytes, 0);
    console.log(
      `  loaded modules: ${Object.values(o.packages).reduce(
        (a, p) => a + p.files,
        0,
      )} files vs ${Object.values(s.packages).reduce(
        (a, p) => a + p.files,
        0,
      )}; ${only.length} packages stock never loads, ${mib(sum(only)).toFixed(
        1,
      )} MiB of source; all packages' source difference ${mib(
        sum(rows),
      ).toFixed(1)} MiB`,
    );
    console.log('  largest differences in loaded source (MiB, files):');
    for (const r of rows.sort((a, b) => b.bytes - a.bytes).slice(0, 15))
      console.log(
        `    ${mib(r.bytes).toFixed(2).padStart(6)} ${String(r.files).padStart(
          5,
        )}  ${r.p}${r.onlyOurs ? ' (not in stock)' : ''}`,
      );
  }
}

const results = Object.fromEntries(roundSpecs.map(s => [s.name, []]));

/** Each side's warnings and errors over its rounds, by message (LOG_LEVEL=warn: nothing else is logged). */
function printWarnings() {
  for (const [name, rounds] of Object.entries(results)) {
    const counts = new Map();
    for (const r of rounds)
      for (const line of r.warnings) {
        let message = line;
        try {
          message = JSON.parse(line).message ?? line;
        } catch {
          // not a JSON log line
        }
        const key = String(message).slice(0, 140);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    const total = [...counts.values()].reduce((a, n) => a + n, 0);
    console.log(
      `${name}: ${total} log lines at warn or above in ${rounds.length} starts`,
    );
    for (const [m, n] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 6))
      console.log(`  ${String(n).padStart(5)}  ${m}`);
  }
}

/** The figures of one load that --ab and --together print: [label, value of a load() result, decimals]. */
const LOAD_FIGURES = [
  ['p50 (ms)', r => r.p50, 2],
  ['p99 (ms)', r => r.p99, 2],
  ['req/s', r => r.rps, 0],
  ['CPU ms/1k req', r => r.cpuMsPer1k, 0],
];

/**
 * --ab N: one start of ours serving every plugin through both chains (our httpRouter at /api/<id>, the stock one at
 * /stock-chain/api/<id>); N rounds of alternating --ab-seconds loads on the same entity and list reads through each.
 * Per-start variance (JIT, GC, pool state) is the same for both paths, so the ratio is the request path's own cost.
 */
async function abRounds() {
  // --ab-profile <dir>: that start under node --cpu-prof; the breaker's own functions are the difference.
  const t = await startSide('ab', { cpuProfileDir: opts['ab-profile'] });
  const seconds = Number(opts['ab-seconds']);
  const res = {
    ours: { entity: [], list: [] },
    stock: { entity: [], list: [] },
  };
  try {
    await settle(t);
    for (const chain of ['ours', 'stock'])
      await load(
        t,
        chain === 'ours' ? ROUTES.entity : `/stock-chain${ROUTES.entity}`,
        3,
      );
    for (let round = 0; round < Number(opts.ab); round++) {
      const order = round % 2 ? ['stock', 'ours'] : ['ours', 'stock'];
      for (const route of ['entity', 'list'])
        for (const chain of order)
          res[chain][route].push(
            await load(
              t,
              chain === 'ours' ? ROUTES[route] : `/stock-chain${ROUTES[route]}`,
              seconds,
            ),
          );
    }
  } finally {
    await t.stop();
  }
  console.log(
    `\nA/B in one process (ours at /api, the stock httpRouter chain at /stock-chain/api), ${
      opts.ab
    } alternating rounds of ${seconds} s; medians [paired]; load average ${load1()}`,
  );
  console.log(
    `${''.padEnd(24)}${'stock chain'.padStart(12)}${'our chain'.padStart(
      12,
    )}${'ratio'.padStart(8)}`,
  );
  for (const route of ['entity', 'list'])
    for (const [label, f, digits] of LOAD_FIGURES) {
      const o = median(res.ours[route].map(f));
      const st = median(res.stock[route].map(f));
      const paired = median(
        res.ours[route].map((r, i) => f(r) / f(res.stock[route][i])),
      );
      console.log(
        `${`${route} ${label}`.padEnd(24)}${st.toFixed(digits).padStart(12)}${o
          .toFixed(digits)
          .padStart(12)}${(o / st).toFixed(2).padStart(8)}   [${paired.toFixed(
          2,
        )}]`,
      );
    }
}

/**
 * --together N: every side started and settled at once, then N windows in which each side in turn takes a
 * --together-seconds load (entity, then list; the order alternates), all over again for --together-starts starts.
 * The host's speed drifts by up to a third over seconds (a fixed JS loop here: 380 ms, then 510 ms a few seconds
 * later), which in separate starts lands on one side's whole measurement; here each window's pair ran seconds apart,
 * so its ratio sees the same host. While one side is loaded the others idle (a few % of a core each).
 */
async function togetherRounds() {
  const names = roundSpecs.map(s => s.name);
  const seconds = Number(opts['together-seconds']);
  const windows = Number(opts.together);
  const starts = Number(opts['together-starts']);
  // --together-profile <dir>: every start under node --cpu-prof, kept in <dir>; self time in the entity windows.
  const profileDir = opts['together-profile'];
  const profiles = Object.fromEntries(
    names.map(n => [n, { windows: [], exits: [] }]),
  );
  const windowsOf = (name, start) => (profiles[name].windows[start] ??= []);
  // res[name][route]: one entry per window, in the same order for every side (start by start).
  const res = Object.fromEntries(
    names.map(n => [n, { entity: [], list: [], start: [] }]),
  );
  for (let start = 0; start < starts; start++) {
    const order = start % 2 ? [...names].reverse() : names;
    const up = [];
    try {
      for (const name of order)
        up.push(
          await startSide(name, {
            cpuProfileDir: profileDir
              ? path.join(profileDir, `${name.replace(/\W/g, '_')}-${start}`)
              : undefined,
          }),
        );
      for (const t of up) await settle(t);
      for (const t of up) await load(t, ROUTES.entity, 3); // warm-up: JIT, caches, pools
      for (let w = 0; w < windows; w++) {
        const turn = w % 2 ? [...up].reverse() : up;
        for (const route of ['entity', 'list'])
          for (const t of turn) {
            const from = Date.now();
            const r = await load(t, ROUTES[route], seconds);
            res[t.name][route].push(r);
            // load() waits 1.5 s after the run for the database statistics: the window ends with the run.
            if (route === 'entity')
              windowsOf(t.name, start).push({
                from,
                to: from + seconds * 1000,
                requests: r.rps * seconds,
              });
          }
        for (const t of up) res[t.name].start.push(start);
      }
      console.log(
        `together start ${start + 1}: ${names
          .map(
            n =>
              `${n} entity ${median(
                res[n].entity.slice(-windows).map(r => r.rps),
              ).toFixed(0)} req/s`,
          )
          .join(
            ', ',
          )} (medians of ${windows} windows; load average ${load1()})`,
      );
    } finally {
      for (const t of up) profiles[t.name].exits[start] = await t.stop();
    }
  }
  const others = names.filter(n => n !== 'stock');
  console.log(
    `\nside by side (all sides up at once), ${starts} starts × ${windows} windows of ${seconds} s per side and route; ` +
      `ratio to stock: median of each window's own ratio [each start's median]; load average ${load1()}`,
  );
  console.log(
    `${''.padEnd(24)}${'stock'.padStart(9)}${others
      .map(
        n => `${n.padStart(Math.max(9, n.length + 1))}${'/stock'.padStart(8)}`,
      )
      .join('')}`,
  );
  for (const route of ['entity', 'list'])
    for (const [label, f, digits] of LOAD_FIGURES) {
      const st = res.stock[route];
      let line = `${`${route} ${label}`.padEnd(24)}${median(st.map(f))
        .toFixed(digits)
        .padStart(9)}`;
      const perStart = [];
      for (const n of others) {
        const ratios = res[n][route].map((r, i) => f(r) / f(st[i]));
        line += `${median(res[n][route].map(f))
          .toFixed(digits)
          .padStart(Math.max(9, n.length + 1))}${median(ratios)
          .toFixed(2)
          .padStart(8)}`;
        perStart.push(
          Array.from({ length: starts }, (_, s) =>
            median(ratios.filter((_r, i) => res[n].start[i] === s)).toFixed(2),
          ).join(' '),
        );
      }
      console.log(`${line}   [${perStart.join(' | ')}]`);
    }
  if (profileDir) printTogetherProfiles(profileDir, profiles, starts);
}

/**
 * Main-thread self time per 1000 entity requests in --together's profiled windows, summed over every start: by
 * package and by function, each variant minus stock. The sides were loaded in turns seconds apart, so unlike
 * separate starts a difference here is code that ran, not a host that was slower at the time.
 */
function printTogetherProfiles(dir, profiles, starts) {
  const per1k = {};
  for (const [name, { windows, exits }] of Object.entries(profiles)) {
    const packages = new Map();
    const functions = new Map();
    let requests = 0;
    for (let start = 0; start < starts; start++) {
      const profDir = path.join(dir, `${name.replace(/\W/g, '_')}-${start}`);
      const file = JSON.parse(
        readFileSync(
          path.join(
            profDir,
            readdirSync(profDir).find(f => f.endsWith('.cpuprofile')),
          ),
          'utf8',
        ),
      );
      for (const w of windows[start]) {
        const sum = summarize(file, {
          limit: Infinity,
          lastFromUs: (exits[start] - w.from) * 1000,
          lastToUs: (exits[start] - w.to) * 1000,
        });
        for (const [p, ms] of sum.allPackages)
          packages.set(p, (packages.get(p) ?? 0) + ms);
        for (const f of sum.functions)
          functions.set(f.name, (functions.get(f.name) ?? 0) + f.ms);
        requests += w.requests;
      }
    }
    const scale = m =>
      new Map([...m].map(([k, ms]) => [k, (ms * 1000) / requests]));
    per1k[name] = { packages: scale(packages), functions: scale(functions) };
  }
  const total = m => [...m.values()].reduce((a, b) => a + b, 0);
  console.log(
    `\nCPU profiles of the entity windows (main thread self time, CPU ms per 1000 requests; kept in ${dir}):`,
  );
  for (const [name, p] of Object.entries(per1k))
    console.log(`  ${name.padEnd(24)} ${total(p.packages).toFixed(0)}`);
  for (const name of Object.keys(per1k).filter(n => n !== 'stock')) {
    console.log(`\n${name} minus stock, entity windows:`);
    // [title, which map, how its keys are grouped (none: as they are), rows]
    for (const [title, key, group, rows] of [
      ['coarse', 'packages', coarseOf, 6],
      ['by package', 'packages', groupOf, 16],
      ['by function', 'functions', undefined, 30],
    ])
      printDiff(
        `${title} (CPU ms per 1000 requests):`,
        group ? sumBy(per1k[name][key], group) : per1k[name][key],
        group ? sumBy(per1k.stock[key], group) : per1k.stock[key],
        name,
        'stock',
        'ms/1k',
        rows,
      );
  }
}

/** Medians of the rounds and the ratios to stock of ours and each variant. */
function printTable() {
  const med = (name, f) => median(results[name].map(f));
  const rows = [
    ['readiness (s)', r => r.readySeconds, 1],
    [`RSS ready+${IDLE_SECONDS}s (MiB)`, r => r.rss, 0],
    [`idle CPU % (${IDLE_SECONDS} s)`, r => r.idleCpu * 100, 1],
    ['idle DB xacts/s', r => r.idleXactsPerS, 1],
    ['entity p50 (ms)', r => r.entity.p50, 2],
    ['entity p99 (ms)', r => r.entity.p99, 2],
    ['entity req/s', r => r.entity.rps, 0],
    ['entity CPU ms/1k req', r => r.entity.cpuMsPer1k, 0],
    ['entity DB xacts/req', r => r.entity.xactsPerReq, 2],
    ['list p50 (ms)', r => r.list.p50, 2],
    ['list p99 (ms)', r => r.list.p99, 2],
    ['list req/s', r => r.list.rps, 0],
    ['list CPU ms/1k req', r => r.list.cpuMsPer1k, 0],
    ['list DB xacts/req', r => r.list.xactsPerReq, 2],
  ];
  const others = roundSpecs.map(s => s.name).filter(n => n !== 'stock');
  console.log(
    `\nbuilt bundles, production settings, PostgreSQL; medians of ${
      opts.rounds
    } rounds; autocannon ${opts.connections} connections ${
      opts.seconds
    } s; load average ${load1()}`,
  );
  console.log(
    `${''.padEnd(24)}${'stock'.padStart(9)}${others
      .map(
        n => `${n.padStart(Math.max(9, n.length + 1))}${'/stock'.padStart(8)}`,
      )
      .join(
        '',
      )}   (/stock: ratio of medians; [paired]: median of each round's own ratio)`,
  );
  for (const [label, f, digits] of rows) {
    let line = `${label.padEnd(24)}${med('stock', f)
      .toFixed(digits)
      .padStart(9)}`;
    const paired = [];
    for (const n of others) {
      const v = med(n, f);
      line += `${v.toFixed(digits).padStart(Math.max(9, n.length + 1))}${(
        v / med('stock', f)
      )
        .toFixed(2)
        .padStart(8)}`;
      // Each round's variant and stock ran close together: their ratio is less exposed to drifting load.
      paired.push(
        median(results[n].map((r, i) => f(r) / f(results.stock[i]))).toFixed(2),
      );
    }
    console.log(`${line}   [${paired.join(', ')}]`);
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
  if (Number(opts.rounds) > 0)
    console.log(
      `alternating rounds (fresh start each) so that load from other processes on this shared machine hits all sides; load average ${load1()} at the start`,
    );
  const names = roundSpecs.map(s => s.name);
  for (let round = 0; round < Number(opts.rounds); round++) {
    const order = round % 2 ? [...names].reverse() : names;
    for (const name of order) {
      const r = await measure(name);
      results[name].push(r);
      console.log(
        `round ${round + 1} ${name.padEnd(5)} ready ${r.readySeconds.toFixed(
          1,
        )} s  rss ${r.rss.toFixed(0)} MiB  idle CPU ${(r.idleCpu * 100).toFixed(
          1,
        )} %  ${r.idleXactsPerS.toFixed(
          1,
        )} xacts/s  settled ${r.settledAfter.toFixed(
          0,
        )} s  entity p50 ${r.entity.p50.toFixed(2)} ms ${r.entity.rps.toFixed(
          0,
        )} req/s  list p50 ${r.list.p50.toFixed(2)} ms ${r.list.rps.toFixed(
          0,
        )} req/s  (load average ${load1()})`,
      );
    }
  }
  if (Number(opts.rounds) > 0) {
    printTable();
    printWarnings();
  }

  if (opts.modules) printModules();
  if (opts.profile) await profileAll(names);
  if (opts.dev) await devRounds();
  if (Number(opts.ab) > 0) await abRounds();
  if (Number(opts.together) > 0) await togetherRounds();
} finally {
  for (const side of Object.values(sides)) side.remove();
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(0); // the throwaway Redis of productionEnv() is stopped on exit
