import { defineConfig, Project } from '@playwright/test';
import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';

const root = path.resolve(__dirname, '..');
const testDir = path.join(__dirname, 'tests');

/*
 * This file is evaluated by the runner and again by every worker. Values the servers and the tests must agree on
 * (the data folder, the stand-in's port) are chosen once, by the runner, and put in process.env, which the web
 * servers and the workers inherit.
 */

// Always a throwaway data folder (SQLite databases, local git remotes): never the developer's data/. A run may be
// given one (BACKSTAGE_DATA_DIR) to check that a second run on the same data passes too; it is then kept.
if (!process.env.BACKSTAGE_DATA_DIR) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstage-e2e-'));
  process.env.BACKSTAGE_DATA_DIR = dataDir;
  // After the web servers are stopped (the runner's last act).
  process.once('exit', () =>
    fs.rmSync(dataDir, { recursive: true, force: true }),
  );
}

// The Kubernetes stand-in listens on a port the kernel says is free (e2e/app-config.e2e.yaml reads it from env).
if (!process.env.E2E_K8S_PORT) {
  process.env.E2E_K8S_PORT = execFileSync(process.execPath, [
    '-e',
    "const s = require('net').createServer().listen(0, '127.0.0.1', () => { process.stdout.write(String(s.address().port)); s.close(); });",
  ]).toString();
}
const k8sPort = process.env.E2E_K8S_PORT;

// What the tests call as CI (a static backend token, e2e/app-config.e2e.yaml), e.g. to push tech-migration facts;
// made per run so no token is written down anywhere.
process.env.E2E_CI_TOKEN ??= randomBytes(24).toString('base64url');

// The guest's signed-in browser state (the app's remembered sign-in provider), saved once by tests/guest.setup.ts and
// loaded into every test's browser context: each test opens its page signed in instead of loading the dev-mode app
// twice (sign-in page, then its page), ~4 s a test. The sign-in page itself is still tested (manage.spec.ts).
process.env.E2E_GUEST_STATE ??= path.join(
  process.env.BACKSTAGE_DATA_DIR!,
  'e2e-guest-storage-state.json',
);
const signIn: Project = {
  name: 'guest sign-in',
  testMatch: /guest\.setup\.ts$/,
  use: { browserName: 'chromium' },
};

/**
 * Spec files in the order they run. With workers: 1 the runner takes test files project by project, and within a
 * project alphabetically; E2E_SPEC_ORDER=reverse makes one project per file, in reverse alphabetical order, to show
 * that no spec depends on what an earlier one did. Every one runs after the guest's sign-in.
 */
function projects(): Project[] {
  const use = {
    browserName: 'chromium' as const,
    storageState: process.env.E2E_GUEST_STATE,
  };
  const dependencies = [signIn.name!];
  if (process.env.E2E_SPEC_ORDER !== 'reverse') {
    return [signIn, { name: 'chromium', use, dependencies }];
  }
  return [
    signIn,
    ...fs
      .readdirSync(testDir)
      .filter(f => f.endsWith('.spec.ts'))
      .sort()
      .reverse()
      .map(file => ({
        name: `chromium ${file}`,
        testMatch: new RegExp(`[/\\\\]${file.replace(/\./g, '\\.')}$`),
        use,
        dependencies,
      })),
  ];
}

/**
 * End-to-end tests in Debian's chromium (no `playwright install` on these machines). The portal is started with the
 * same script a user runs (scripts/dev.sh) on the throwaway data folder. A server already listening on the portal's
 * ports is never reused: its data and config are not this run's, so the run fails instead.
 */
export default defineConfig({
  testDir,
  timeout: 90_000,
  // Playwright's default expect timeout (5 s); assertions that wait on the backend's own schedule say so.
  forbidOnly: !!process.env.CI,
  // A flaky test is fixed, not retried.
  retries: 0,
  workers: 1,
  reporter: [
    ['list'],
    [
      'html',
      { open: 'never', outputFolder: path.join(root, 'e2e-test-report') },
    ],
  ],
  globalSetup: require.resolve('./global-setup'),
  webServer: [
    {
      // Stand-in Kubernetes API server for the Kubernetes tab (e2e/app-config.e2e.yaml points the cluster at it).
      command: `node ${root}/e2e/fixtures/k8s-standin.mjs ${k8sPort}`,
      url: `http://127.0.0.1:${k8sPort}/healthz`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      // Playwright refuses to start when :3000 answers already; the backend's :7007 is checked before starting.
      command: `node ${root}/e2e/require-free-ports.mjs 3000 7007 && ${root}/scripts/dev.sh --config ${root}/app-config.yaml --config ${root}/e2e/app-config.e2e.yaml`,
      cwd: root,
      url: 'http://localhost:3000',
      reuseExistingServer: false,
      timeout: 300_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
  use: {
    baseURL: 'http://localhost:3000',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  // Screenshots and traces of failures, kept by CI as artifacts.
  outputDir: path.join(root, 'e2e-test-results'),
  projects: projects(),
});
