// A stock `@backstage/create-app` (legacy frontend) of the release in backstage.json, with its backend installed and
// built, cached under .tools/bench-stock/<release> (git-ignored) so that only the first run pays for it.
//
// Pinning: the registry serves newer patch versions of @backstage/* than our lockfile has, and a mix of them does not
// start (`httpRouter.addWebSocketHandler is not a function`). So the generated app gets our yarn.lock as its lock
// seed (yarn keeps every entry whose descriptor still matches: the same versions as ours, resolved offline from the
// yarn cache) and `resolutions` pinning every @backstage/* package of our lock to its exact version, as
// `backstage-cli versions:bump --release` would. Native modules (better-sqlite3, isolated-vm) are not compiled:
// the install runs without build scripts and they get the build output of the same version from our install, as
// system-tests/lib/image.mjs does for the image test.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../../..');
const release = JSON.parse(
  readFileSync(path.join(root, 'backstage.json'), 'utf8'),
).version;

const run = (cmd, args, opts = {}) =>
  execFileSync(cmd, args, {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...opts,
  });

/** The create-app version whose templates are those of `release` (its bundled root version), newest first. */
function createAppVersionOf(cacheDir) {
  const versions = JSON.parse(
    run('npm', ['view', '@backstage/create-app', 'versions', '--json']),
  )
    .filter(v => !v.includes('-'))
    .reverse()
    .slice(0, 8);
  mkdirSync(cacheDir, { recursive: true });
  for (const v of versions) {
    const tgz = run('npm', ['pack', `@backstage/create-app@${v}`, '--silent'], {
      cwd: cacheDir,
    }).trim();
    const text = run('tar', [
      'xzf',
      path.join(cacheDir, tgz),
      '-O',
      'package/dist/package.json.cjs.js',
    ]);
    rmSync(path.join(cacheDir, tgz));
    if (text.includes(`version = "${release}"`)) return v;
  }
  throw new Error(
    `no @backstage/create-app release bundles Backstage ${release}`,
  );
}

/** `name -> version` of every @backstage/* package in our yarn.lock (the one version each, or the highest). */
function lockedBackstageVersions() {
  const lock = readFileSync(path.join(root, 'yarn.lock'), 'utf8');
  const pinned = {};
  for (const m of lock.matchAll(
    /^"(@backstage\/[^@"]+)@npm:[^\n]*\n\s+version: (\S+)/gm,
  )) {
    const [, name, version] = m;
    const prev = pinned[name];
    if (!prev || prev.localeCompare(version, undefined, { numeric: true }) < 0)
      pinned[name] = version;
  }
  return pinned;
}

/** Folders of packages named in `names` under a node_modules tree (hoisted or nested), with versions. */
function findPackages(top, names) {
  const found = [];
  const walk = nm => {
    if (!existsSync(nm)) return;
    for (const entry of readdirSync(nm)) {
      const pkgs = entry.startsWith('@')
        ? readdirSync(path.join(nm, entry)).map(n => `${entry}/${n}`)
        : [entry];
      for (const name of pkgs) {
        const dir = path.join(nm, name);
        if (names.has(name) && existsSync(path.join(dir, 'package.json'))) {
          const { version } = JSON.parse(
            readFileSync(path.join(dir, 'package.json'), 'utf8'),
          );
          found.push({ name, version, dir });
        }
        walk(path.join(dir, 'node_modules'));
      }
    }
  };
  walk(path.join(top, 'node_modules'));
  return found;
}

/**
 * Returns { dir, createApp, release, cached, offline } of the stock app with packages/backend built
 * (dist/index.cjs.js), generating and installing it first if the cache has none.
 */
export function stockApp({ log = console.log } = {}) {
  const cacheDir = path.join(root, '.tools/bench-stock');
  const dir = path.join(cacheDir, release);
  const marker = path.join(dir, '.bench-ready');
  if (existsSync(marker))
    return { ...JSON.parse(readFileSync(marker, 'utf8')), dir, cached: true };
  rmSync(dir, { recursive: true, force: true });
  const started = Date.now();
  const createApp = createAppVersionOf(cacheDir);
  log(
    `stock app: generating @backstage/create-app@${createApp} (Backstage ${release}, legacy frontend)`,
  );
  run(
    'npx',
    [
      '-y',
      `@backstage/create-app@${createApp}`,
      '--legacy',
      '--skip-install',
      '--path',
      dir,
    ],
    {
      env: { ...process.env, BACKSTAGE_APP_NAME: 'stock' },
    },
  );
  // Our lockfile as the seed, our yarn release, @backstage/* pinned to our versions.
  cpSync(path.join(root, 'yarn.lock'), path.join(dir, 'yarn.lock'));
  cpSync(path.join(root, '.yarn/releases'), path.join(dir, '.yarn/releases'), {
    recursive: true,
  });
  writeFileSync(
    path.join(dir, '.yarnrc.yml'),
    readFileSync(path.join(root, '.yarnrc.yml'), 'utf8'),
  );
  const manifestPath = path.join(dir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  manifest.resolutions = {
    ...manifest.resolutions,
    ...lockedBackstageVersions(),
  };
  manifest.packageManager = JSON.parse(
    readFileSync(path.join(root, 'package.json'), 'utf8'),
  ).packageManager;
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  // The backend workspace only (the frontend is not measured): its dependencies and the CLI that builds it.
  const install = extra =>
    run('yarn', ['workspaces', 'focus', 'backend'], {
      cwd: dir,
      env: {
        ...process.env,
        YARN_ENABLE_IMMUTABLE_INSTALLS: 'false',
        YARN_ENABLE_SCRIPTS: 'false',
        YARN_ENABLE_TELEMETRY: '0',
        ...extra,
      },
    });
  let output;
  let offline = true;
  try {
    output = install({ YARN_ENABLE_OFFLINE_MODE: '1' });
  } catch (e) {
    offline = false;
    log(
      'stock app: offline install incomplete (packages our lock lacks), using the registry',
    );
    output = install({});
  }
  // Build output of native modules from our install (same version, Node and platform).
  const skipped = [
    ...output.matchAll(
      /(@?[^\s@]+)@npm:(\S+) lists build scripts, but all build scripts have been disabled/g,
    ),
  ].map(([, name, version]) => ({ name, version }));
  const names = new Set(skipped.map(p => p.name));
  const ours = findPackages(root, names);
  const theirs = findPackages(dir, names);
  for (const { name, version } of skipped) {
    const source = ours.find(p => p.name === name && p.version === version);
    if (!source) {
      // Not one of ours: compile it in place.
      for (const t of theirs.filter(
        p => p.name === name && p.version === version,
      ))
        run('npm', ['rebuild', '--ignore-scripts=false'], { cwd: t.dir });
      continue;
    }
    for (const t of theirs.filter(
      p => p.name === name && p.version === version,
    ))
      cpSync(source.dir, t.dir, {
        recursive: true,
        force: true,
        dereference: true,
      });
  }
  // The app-backend serves packages/app's build; the frontend is not measured, so it gets a placeholder page.
  const appDist = path.join(dir, 'packages/app/dist');
  mkdirSync(appDist, { recursive: true });
  writeFileSync(
    path.join(appDist, 'index.html'),
    '<!doctype html><title>stock</title>\n',
  );
  run('yarn', ['workspace', 'backend', 'build'], { cwd: dir });
  const info = {
    createApp,
    release,
    offline,
    setupSeconds: (Date.now() - started) / 1000,
  };
  writeFileSync(marker, JSON.stringify(info));
  return { ...info, dir, cached: false };
}
