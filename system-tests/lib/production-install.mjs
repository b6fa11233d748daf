// Test code never ships in the production image: the dev-only packages (devDependencies of packages/backend only,
// so `backstage-cli package build` leaves them out of the bundle and `yarn workspaces focus --production` out of the
// install) and the code they hold. Used by the image test on its production install, and by the built-backend
// system tests, which add these packages to their own unpacked copy of the bundle.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** The development and test packages: folder in the repository and package name. */
export const DEV_ONLY_PACKAGES = [
  {
    // publish:git-local, publish:git-local:change, the publish-token route, the local git URL reader
    dir: 'plugins/scaffolder-backend-module-local-git',
    name: '@internal/plugin-scaffolder-backend-module-local-git',
  },
  {
    // the e2e tests' always-failing plugin
    dir: 'plugins/fault-injection-backend',
    name: '@internal/plugin-fault-injection-backend',
  },
  {
    // the e2e tests' failing and silent KPI providers (manage tile freshness states)
    dir: 'plugins/manage-backend-module-fault-injection',
    name: '@internal/plugin-manage-backend-module-fault-injection',
  },
];

/**
 * Strings only the dev-only packages' code holds: action ids, routes, exported names. Production code names the
 * packages (the backend's loader of dev-only features) and config keys, never these.
 */
export const TEST_CODE_MARKERS = [
  'publish:git-local', // also publish:git-local:change
  'PublishTokens', // the publish-token route's signer (the app's client of that route is not test code)
  'LocalGitUrlReader',
  'LocalGitRemotes',
  '/api/fault-injection',
  'faultInjectionPlugin',
  'manageModuleFaultInjection',
];

const present = p => {
  try {
    lstatSync(p); // a dangling workspace symlink counts too
    return true;
  } catch {
    return false;
  }
};

/**
 * What of the test code is in an install laid out as the image (`node_modules/`, the bundle's `packages/` and
 * `plugins/`): the dev-only packages as folders or links, and files holding a marker. Returns one line per finding.
 */
export function findTestCode(dir) {
  const findings = [];
  for (const pkg of DEV_ONLY_PACKAGES) {
    for (const p of [pkg.dir, `node_modules/${pkg.name}`]) {
      if (present(path.join(dir, p))) findings.push(`${pkg.name}: ${p}`);
    }
  }
  const areas = ['node_modules', 'packages', 'plugins'].filter(a =>
    existsSync(path.join(dir, a)),
  );
  let files = '';
  try {
    // Fixed strings, binary files skipped; symlinks are not followed (workspace links point into plugins/).
    files = execFileSync(
      'grep',
      ['-rlIF', ...TEST_CODE_MARKERS.flatMap(m => ['-e', m]), ...areas],
      { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (e) {
    if (e.status !== 1) throw e; // 1: no match
  }
  for (const file of files.split('\n').filter(Boolean)) {
    const text = execFileSync(
      'grep',
      ['-oF', ...TEST_CODE_MARKERS.flatMap(m => ['-e', m]), file],
      { cwd: dir, encoding: 'utf8' },
    );
    findings.push(
      `${file}: ${[...new Set(text.trim().split('\n'))].join(', ')}`,
    );
  }
  return findings;
}

/** Throws, listing what was found, unless the install at `dir` holds no test code. */
export function assertNoTestCode(dir) {
  const findings = findTestCode(dir);
  if (findings.length > 0) {
    throw new Error(
      `test code in the production install ${dir}:\n  ${findings.join('\n  ')}`,
    );
  }
}

/**
 * Adds the dev-only packages to an unpacked backend bundle (a test's copy, never the image): the system tests run
 * the built backend on the development config, which asks for the local git publish target. Each package is built
 * in the bundle's own folder (nothing shared with other runs): JavaScript only (`--role cli`; its type declarations
 * would need `yarn tsc`'s output, and a backend reads none), with the package.json pointing at the build, as the
 * bundle holds our other packages. Call it before the bundle's node_modules are linked. About 2 s a package.
 */
export function addDevOnlyPackages(bundleDir) {
  const cli = path.join(root, 'node_modules/@backstage/cli/bin/backstage-cli');
  for (const pkg of DEV_ONLY_PACKAGES) {
    const target = path.join(bundleDir, pkg.dir);
    for (const f of ['package.json', 'config.d.ts', 'src']) {
      cpSync(path.join(root, pkg.dir, f), path.join(target, f), {
        recursive: true,
      });
    }
    execFileSync(process.execPath, [cli, 'package', 'build', '--role', 'cli'], {
      cwd: target,
      stdio: 'pipe',
    });
    rmSync(path.join(target, 'src'), { recursive: true });
    const manifest = JSON.parse(
      readFileSync(path.join(target, 'package.json'), 'utf8'),
    );
    writeFileSync(
      path.join(target, 'package.json'),
      JSON.stringify({ ...manifest, ...manifest.publishConfig }, null, 2),
    );
  }
}
