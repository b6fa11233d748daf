// What the Dockerfile's final stages do, without a Docker engine: an empty folder with the built backend's
// skeleton.tar.gz (the package.json of every workspace the backend needs), the root manifest, yarn.lock and the pinned
// yarn release; `yarn workspaces focus --all --production` (production dependencies only, as the lockfile says); then
// bundle.tar.gz, the catalog, the templates and the configs. Shared by the image test and the ops benchmark.
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { backendDist as dist, root } from './backend.mjs';

/**
 * Builds the folder; returns { dir, installSeconds, offline, reused (packages whose build output came from the
 * repository's install), remove() }. `quiet` keeps yarn's output unless it fails.
 */
export function buildImageFolder({ quiet = true } = {}) {
  for (const f of ['skeleton.tar.gz', 'bundle.tar.gz']) {
    if (!existsSync(path.join(dist, f)))
      throw new Error(`${dist}/${f} is missing: run yarn build:backend first`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'backstage-image-'));
  chmodSync(dir, 0o755);
  // ~1 GB of small files: removed by a detached `rm -rf`, so a test does not wait a minute for a busy disk.
  const remove = () =>
    spawn('rm', ['-rf', dir], { detached: true, stdio: 'ignore' }).unref();
  try {
    // COPY package.json yarn.lock backstage.json .yarnrc.yml .yarn/releases; COPY skeleton
    for (const f of [
      'package.json',
      'yarn.lock',
      'backstage.json',
      '.yarnrc.yml',
      '.yarn/releases',
    ]) {
      cpSync(path.join(root, f), path.join(dir, f), { recursive: true });
    }
    execFileSync('tar', ['xzf', path.join(dist, 'skeleton.tar.gz'), '-C', dir]);
    // RUN yarn workspaces focus --all --production. Offline first: every package of yarn.lock is in the yarn cache
    // after the repository's own install (also on a fresh CI machine); the registry only when something is missing.
    //
    // Native builds: the Dockerfile compiles them in the production-deps stage. Here that would add ~4 min of
    // compiling on 2 cores, so by default the install runs with build scripts disabled and each package yarn
    // reports as skipped gets the build output of the very same version from the repository's install (same Node
    // 22, same platform, same lockfile). IMAGE_NATIVE_BUILD=1 compiles them in place instead, as the image does.
    const nativeBuild = process.env.IMAGE_NATIVE_BUILD === '1';
    const started = Date.now();
    let offline = true;
    const focus = extra =>
      execFileSync('yarn', ['workspaces', 'focus', '--all', '--production'], {
        cwd: dir,
        env: {
          ...process.env,
          NODE_ENV: 'production',
          // CI=true turns immutable installs on; focusing a subset of the workspaces rewrites the lockfile's
          // workspace entries (never the resolved versions), as in the Dockerfile, where CI is not set.
          YARN_ENABLE_IMMUTABLE_INSTALLS: 'false',
          ...(nativeBuild ? {} : { YARN_ENABLE_SCRIPTS: 'false' }),
          ...extra,
        },
        stdio: quiet ? 'pipe' : 'inherit',
        maxBuffer: 64 * 1024 * 1024,
      });
    let output;
    try {
      output = focus({ YARN_ENABLE_OFFLINE_MODE: '1' });
    } catch (e) {
      offline = false;
      console.log(
        `offline production install failed, retrying with the registry:\n${String(
          e.stdout ?? '',
        )
          .split('\n')
          .filter(l => /YN0001|YN0082|error/i.test(l))
          .slice(0, 5)
          .join('\n')}`,
      );
      output = focus({});
    }
    const reused = nativeBuild ? [] : reuseBuilds(dir, String(output ?? ''));
    const installSeconds = (Date.now() - started) / 1000;
    // COPY bundle, catalog, templates, configs
    execFileSync('tar', ['xzf', path.join(dist, 'bundle.tar.gz'), '-C', dir]);
    for (const f of [
      'catalog',
      'templates',
      'app-config.yaml',
      'app-config.production.yaml',
      'app-config.staging.yaml',
    ]) {
      cpSync(path.join(root, f), path.join(dir, f), { recursive: true });
    }
    return { dir, installSeconds, offline, reused, remove };
  } catch (e) {
    remove();
    throw e;
  }
}

/** The folders of the packages named in `names` under a node_modules tree (hoisted or nested), with versions. */
function findPackages(top, names) {
  const found = [];
  const walk = nm => {
    if (!existsSync(nm)) return;
    for (const entry of readdirSync(nm)) {
      const pkgs = entry.startsWith('@')
        ? readdirSync(path.join(nm, entry)).map(n => `${entry}/${n}`)
        : [entry];
      for (const name of pkgs) {
        const pkgDir = path.join(nm, name);
        if (names.has(name) && existsSync(path.join(pkgDir, 'package.json'))) {
          const { version } = JSON.parse(
            readFileSync(path.join(pkgDir, 'package.json'), 'utf8'),
          );
          found.push({ name, version, dir: pkgDir });
        }
        walk(path.join(pkgDir, 'node_modules'));
      }
    }
  };
  walk(path.join(top, 'node_modules'));
  return found;
}

/** For every `name@npm:version lists build scripts, but ... disabled` of yarn's output: the repository's build. */
function reuseBuilds(dir, output) {
  const skipped = [
    ...output.matchAll(
      /(@?[^\s@]+)@npm:(\S+) lists build scripts, but all build scripts have been disabled/g,
    ),
  ].map(([, name, version]) => ({ name, version }));
  const names = new Set(skipped.map(p => p.name));
  const built = findPackages(root, names);
  const targets = findPackages(dir, names);
  for (const { name, version } of skipped) {
    const source = built.find(p => p.name === name && p.version === version);
    if (!source)
      throw new Error(
        `no built ${name}@${version} in the repository's node_modules`,
      );
    for (const target of targets.filter(
      p => p.name === name && p.version === version,
    )) {
      cpSync(source.dir, target.dir, {
        recursive: true,
        force: true,
        dereference: true,
      });
    }
  }
  return skipped.map(p => `${p.name}@${p.version}`);
}

/** Bytes of regular files under `dir` (symlinks not followed): the image content size. */
export function folderBytes(dir) {
  let total = 0;
  const walk = d => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) total += statSync(p).size;
    }
  };
  walk(dir);
  return total;
}

/**
 * The user the image runs as. The container runs as `node` (uid 1000); here, when the test runs as root (CI does),
 * the folder is handed to `nobody` and the backend started through setpriv; otherwise the current user is already
 * unprivileged and runs it as is.
 */
export function runtimeUser(dir) {
  if (process.getuid() !== 0) return undefined;
  execFileSync('chown', ['-R', 'nobody:nogroup', dir]);
  return { user: 'nobody', group: 'nogroup' };
}
