import { defineConfig } from '@playwright/test';
import path from 'path';
import base from './playwright.config';

const root = path.resolve(__dirname, '..');

/**
 * The production-config browser suite (`./scripts/test.sh prod-e2e`): the built backend serving the built app with
 * production config, against the GitHub stand-in (tests-production/global-setup.ts starts both on free ports, so it
 * runs beside the dev e2e on 3000/7007). Needs `yarn build:backend` first.
 */
export default defineConfig({
  testDir: './tests-production',
  timeout: 90_000,
  expect: { timeout: 20_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [
    ['list'],
    [
      'html',
      {
        open: 'never',
        outputFolder: path.join(root, 'e2e-test-report-production'),
      },
    ],
  ],
  globalSetup: require.resolve('./tests-production/global-setup'),
  use: {
    ...base.use,
    baseURL: undefined,
  },
  outputDir: path.join(root, 'e2e-test-results-production'),
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
