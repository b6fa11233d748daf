// The one launcher of the system tests: the built backend bundle (yarn build:backend) unpacked outside the
// repository as the Dockerfile lays it out (bundle.tar.gz with the catalog, templates and configs beside it; third-party
// dependencies linked from the repository's node_modules, a production-only install being the image test's job) and
// started as a real process; free ports, throwaway PostgreSQL databases, and cleanup that also runs when a run is
// interrupted (Ctrl-C, CI timeout): every spawned process is killed instead of being left running with its data.
// Shared by the system tests, the production e2e setup and the benchmarks.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  addDevOnlyPackages,
  DEV_ONLY_PACKAGES,
} from './production-install.mjs';
import { testRedisUrl } from './redis.mjs';
import net from 'node:net';
import pg from 'pg';

/** A TCP port that is free on 127.0.0.1 right now (the kernel picks it). */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** `n` distinct free ports. */
export async function freePorts(n) {
  const ports = new Set();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

const children = new Set();
let hooked = false;

/** Turns SIGINT/SIGTERM/SIGHUP into process.exit, so 'exit' handlers (killing children, cleaning up) always run. */
function exitOnSignals() {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const c of children) {
      try {
        c.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () =>
      process.exit(
        128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1),
      ),
    );
  }
}

/**
 * Registers a spawned ChildProcess so it is SIGKILLed if this script exits or is interrupted before it stops it.
 * Returns the child.
 */
export function killOnExit(child) {
  exitOnSignals();
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/**
 * Runs `fn` when the script exits, normally or interrupted; 'exit' handlers cannot wait, so `fn` must be
 * synchronous. Returns a function that cancels it (once the script has cleaned up itself).
 */
export function onExit(fn) {
  exitOnSignals();
  const handler = () => {
    try {
      fn();
    } catch (e) {
      console.error(`cleanup on exit failed: ${e.message}`);
    }
  };
  process.once('exit', handler);
  return () => process.off('exit', handler);
}

/** Drops a throwaway database of the local PostgreSQL synchronously (psql), for `onExit`. */
export function dropDatabaseSync(name) {
  execFileSync(
    'psql',
    [
      '-h',
      '127.0.0.1',
      '-U',
      'postgres',
      '-d',
      'postgres',
      '-qc',
      `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`,
    ],
    { stdio: 'ignore' },
  );
}

export const root = path.resolve(import.meta.dirname, '../..');

/**
 * The built backend (bundle.tar.gz, skeleton.tar.gz): packages/backend/dist, or a copy of it named by BACKEND_DIST, so
 * a long run on a shared machine can take a copy under the build lock and let others rebuild meanwhile.
 */
export const backendDist =
  process.env.BACKEND_DIST ?? path.join(root, 'packages/backend/dist');

/** Unpacks the backend bundle into a fresh folder; returns it with a `remove()` to clean up. */
export function unpackBundle() {
  const bundle = path.join(backendDist, 'bundle.tar.gz');
  if (!existsSync(bundle))
    throw new Error(`${bundle} is missing: run yarn build:backend first`);
  const dir = mkdtempSync(path.join(tmpdir(), 'backstage-bundle-'));
  execFileSync('tar', ['xzf', bundle, '-C', dir]);
  // Not in the bundle (devDependencies): the local git publish target the development config asks for.
  addDevOnlyPackages(dir);
  linkNodeModules(dir);
  precompileConfigSchemas(dir);
  for (const f of [
    'catalog',
    'templates',
    'app-config.yaml',
    'app-config.production.yaml',
  ]) {
    cpSync(path.join(root, f), path.join(dir, f), { recursive: true });
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * `unpackBundle()` under the build lock (/tmp/backstage-build.lock), held only while unpacking: the unpacked copy
 * does not change when dist/ is rebuilt, so a test started this way need not hold the lock for its whole run.
 * Asynchronous (a child process waits for the lock), so waiting keeps this process's signal handling alive.
 */
export async function unpackBundleLocked() {
  const { stdout } = await promisify(execFile)(
    'flock',
    [
      '/tmp/backstage-build.lock',
      process.execPath,
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(
        import.meta.filename,
      )}); process.stdout.write(m.unpackBundle().dir);`,
    ],
    { encoding: 'utf8' },
  );
  const dir = stdout;
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The added dev-only packages come with TypeScript config schemas (`configSchema: config.d.ts`), which
 * @backstage/config-loader compiles with typescript + ts-json-schema-generator at every backend start (secret
 * enumeration and validation): seconds and ~80 MiB of heap per start. This compiles them once, as
 * `backstage-cli package build` does for the bundle's own packages (productionPack: loadConfigSchema on the
 * package alone, the result written to config.schema.json, `configSchema` pointed at it, config.d.ts dropped).
 * Compiled in a child process (loadConfigSchema is asynchronous, unpackBundle is not), cached in tmpdir by the
 * schemas' content and the config-loader version, so most unpacks only copy JSON.
 */
function precompileConfigSchemas(dir) {
  const packages = DEV_ONLY_PACKAGES.map(p => path.join(dir, p.dir)).filter(
    d => {
      const { configSchema } = JSON.parse(
        readFileSync(path.join(d, 'package.json'), 'utf8'),
      );
      return typeof configSchema === 'string' && configSchema.endsWith('.d.ts');
    },
  );
  if (packages.length === 0) return;
  const loader = path.join(root, 'node_modules/@backstage/config-loader');
  const hash = createHash('sha256').update(
    JSON.parse(readFileSync(path.join(loader, 'package.json'), 'utf8')).version,
  );
  for (const d of packages) {
    const { name, configSchema } = JSON.parse(
      readFileSync(path.join(d, 'package.json'), 'utf8'),
    );
    hash.update(`\0${name}\0${readFileSync(path.join(d, configSchema))}`);
  }
  const cache = path.join(
    tmpdir(),
    `backstage-dev-config-schemas-${hash.digest('hex').slice(0, 16)}.json`,
  );
  if (!existsSync(cache)) {
    const script = `
      const { loadConfigSchema } = require(${JSON.stringify(loader)});
      const paths = JSON.parse(process.argv[1]);
      loadConfigSchema({ dependencies: [], packagePaths: paths, excludePackageDependencies: true })
        .then(s => process.stdout.write(JSON.stringify(Object.fromEntries(
          s.serialize().schemas.map(e => [e.packageName, e.value])))));`;
    const json = execFileSync(
      process.execPath,
      [
        '-e',
        script,
        JSON.stringify(packages.map(d => path.join(d, 'package.json'))),
      ],
      { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    // Written whole, then renamed: concurrent unpacks never read half a file.
    const partial = `${cache}.${process.pid}`;
    writeFileSync(partial, json);
    renameSync(partial, cache);
  }
  const schemas = JSON.parse(readFileSync(cache, 'utf8'));
  for (const d of packages) {
    const manifest = JSON.parse(
      readFileSync(path.join(d, 'package.json'), 'utf8'),
    );
    const schema = schemas[manifest.name];
    if (!schema)
      throw new Error(`no compiled config schema for ${manifest.name}`);
    writeFileSync(
      path.join(d, 'config.schema.json'),
      JSON.stringify(schema, null, 2),
    );
    rmSync(path.join(d, manifest.configSchema));
    writeFileSync(
      path.join(d, 'package.json'),
      JSON.stringify(
        { ...manifest, configSchema: 'config.schema.json' },
        null,
        2,
      ),
    );
  }
}

/**
 * node_modules for the unpacked bundle: third-party packages link to the repository's, but our own workspace
 * packages resolve to their built copies in the bundle (the repository's links point at their TypeScript sources).
 */
function linkNodeModules(dir) {
  const built = new Map();
  for (const area of ['packages', 'plugins']) {
    if (!existsSync(path.join(dir, area))) continue;
    for (const name of readdirSync(path.join(dir, area))) {
      const pkgDir = path.join(dir, area, name);
      built.set(
        JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'))
          .name,
        pkgDir,
      );
    }
  }
  const link = (name, target) => {
    mkdirSync(path.dirname(path.join(dir, 'node_modules', name)), {
      recursive: true,
    });
    symlinkSync(target, path.join(dir, 'node_modules', name));
  };
  const repoModules = path.join(root, 'node_modules');
  for (const entry of readdirSync(repoModules)) {
    const names = entry.startsWith('@')
      ? readdirSync(path.join(repoModules, entry)).map(n => `${entry}/${n}`)
      : [entry];
    for (const name of names) {
      if (!built.has(name)) link(name, path.join(repoModules, name));
    }
  }
  for (const [name, pkgDir] of built) link(name, pkgDir);
}

/**
 * Starts `node packages/backend --config ...` from an unpacked bundle; its output is kept in `log`.
 * `runAs: { user, group }` starts it through setpriv as that user (the process keeps its pid: setpriv execs node).
 */
export function startBackend({ bundleDir, name, cwd, configs, env, runAs }) {
  const args = [
    path.join(bundleDir, 'packages/backend'),
    ...configs.flatMap(c => ['--config', c]),
  ];
  const [command, commandArgs] = runAs
    ? [
        'setpriv',
        [
          `--reuid=${runAs.user}`,
          `--regid=${runAs.group}`,
          '--clear-groups',
          '--',
          process.execPath,
          ...args,
        ],
      ]
    : [process.execPath, args];
  // Killed if this script is interrupted or exits before stopping it, so no backend outlives its test run.
  const child = killOnExit(
    spawn(command, commandArgs, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  // Whole lines only: a chunk may end mid-line, and tests parse lines (JSON in production, timestamps in dev).
  const log = [];
  for (const s of [child.stdout, child.stderr]) {
    let partial = '';
    s.on('data', d => {
      const lines = (partial + String(d)).split('\n');
      partial = lines.pop();
      log.push(...lines);
    });
    s.on('end', () => partial && log.push(partial));
  }
  child.on('exit', code => log.push(`[${name} exited with ${code}]`));
  return {
    log,
    pid: child.pid,
    /** Resolves with { code, signal } when the process has exited. */
    exit: new Promise(resolve =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    ),
    exited: () => child.exitCode !== null || child.signalCode !== null,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await new Promise(r => child.once('exit', r));
    },
  };
}

/**
 * The environment the production config needs (app-config.production.yaml's backend.requiredEnvironment: the
 * backend refuses to start without any of them), with test values: the backend and app on `base`, PostgreSQL on
 * the local server (trust auth), the CI token `ciToken`, the cache on a throwaway Redis of this test process
 * (system-tests/lib/redis.mjs, started on first use). `overrides` replace or add variables.
 */
export function productionEnv({ base, ciToken, ...overrides }) {
  return {
    NODE_ENV: 'production',
    APP_BASE_URL: base,
    BACKEND_BASE_URL: base,
    BACKEND_CI_TOKEN: ciToken,
    POSTGRES_HOST: '127.0.0.1',
    POSTGRES_PORT: '5432',
    POSTGRES_USER: 'postgres',
    POSTGRES_PASSWORD: 'unused-with-trust-auth',
    AUTH_GITHUB_CLIENT_ID: 'test-client-id',
    AUTH_GITHUB_CLIENT_SECRET: 'test-client-secret',
    GITHUB_TOKEN: 'test-github-token',
    GITHUB_ORG: 'test-org',
    PAGERDUTY_TOKEN: 'test-pagerduty-token',
    METRICS_API_URL: 'http://127.0.0.1:9',
    METRICS_API_TOKEN: 'test-metrics-token',
    K8S_CLUSTER_URL: 'https://127.0.0.1:9',
    K8S_SA_TOKEN: 'test-k8s-token',
    REDIS_URL: overrides.REDIS_URL ?? testRedisUrl(),
    // TechDocs' S3 bucket: a name no test reaches (the techdocs-s3 test points the publisher at its stand-in). Without
    // credentials the publisher's start-up check fails at once and is logged; no instance-metadata probe.
    TECHDOCS_S3_BUCKET: 'test-techdocs-unreachable',
    TECHDOCS_S3_REGION: 'eu-west-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...overrides,
  };
}

/** Polls `fn` until it returns a truthy value; gives up early when `backend` has exited. */
export async function waitFor(what, fn, { timeoutMs = 180_000, backend } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    if (backend?.exited())
      throw new Error(`the backend exited while waiting for ${what}`);
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`timed out waiting for ${what} ${last ?? ''}`);
}

/** A guest token from a backend running the development config. */
export async function guestToken(base) {
  const res = await fetch(`${base}/api/auth/guest/refresh?env=development`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!res.ok) throw new Error(`guest sign-in failed: ${res.status}`);
  return (await res.json()).backstageIdentity.token;
}

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
