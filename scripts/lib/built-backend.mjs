// Runs the built backend (yarn build:backend) outside the repository, as the Dockerfile lays it out:
// bundle.tar.gz unpacked with the catalog, templates and configs beside it. Dependencies come from the
// repository's node_modules (a symlink) rather than a production-only install, which the container build does.
// Shared by the smoke test and the benchmarks.
import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { killOnExit } from './processes.mjs';
import { addDevOnlyPackages } from './production-install.mjs';
import { testRedisUrl } from './redis.mjs';

export const root = path.resolve(import.meta.dirname, '../..');

/** Unpacks the backend bundle into a fresh folder; returns it with a `remove()` to clean up. */
export function unpackBundle() {
  const bundle = path.join(root, 'packages/backend/dist/bundle.tar.gz');
  if (!existsSync(bundle))
    throw new Error(`${bundle} is missing: run yarn build:backend first`);
  const dir = mkdtempSync(path.join(tmpdir(), 'backstage-bundle-'));
  execFileSync('tar', ['xzf', bundle, '-C', dir]);
  // Not in the bundle (devDependencies): the local git publish target the development config asks for.
  addDevOnlyPackages(dir);
  linkNodeModules(dir);
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
 * (scripts/lib/redis.mjs, started on first use). `overrides` replace or add variables.
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
