import { defineConfig } from '@playwright/test';
import path from 'path';

const root = path.resolve(__dirname, '..');

/**
 * End-to-end tests in Debian's chromium (no `playwright install` on these machines).
 * The portal is started with the same script a user runs (scripts/dev.sh), on a throwaway data folder
 * unless one is given, and reused when already running outside CI.
 */
export default defineConfig({
  testDir: './tests',
  timeout: 90_000,
  expect: { timeout: 20_000 },
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
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
      command: `node ${root}/e2e/fixtures/k8s-standin.mjs 6443`,
      url: 'http://127.0.0.1:6443/healthz',
      ignoreHTTPSErrors: true,
      reuseExistingServer: !process.env.CI,
      timeout: 30_000,
    },
    {
      command: `${root}/scripts/dev.sh --config ${root}/app-config.yaml --config ${root}/e2e/app-config.e2e.yaml`,
      cwd: root,
      url: 'http://localhost:3000',
      reuseExistingServer: !process.env.CI,
      timeout: 300_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        BACKSTAGE_DATA_DIR:
          process.env.BACKSTAGE_DATA_DIR ?? path.join(root, 'data'),
      },
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
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
