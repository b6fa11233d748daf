import { expect, test } from '@playwright/test';
import { firstLoad, guestToken } from './helpers';

test('Plugin health lists the catalog closed and shows a caller throttled by a failing plugin', async ({
  page,
  request,
}) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'Plugin health' }).click(firstLoad);
  await expect(
    page.getByRole('heading', { name: 'Plugin health' }),
  ).toBeVisible();
  await expect(page.getByTestId('state-catalog')).toHaveText('closed');

  // The e2e config loads a plugin that always fails (throttle after 3 failed requests of one caller). One caller
  // whose requests keep failing is throttled itself (429), never the plugin for everyone: opening takes failures
  // seen by several distinct callers (the backend's unit tests cover that).
  const headers = { Authorization: `Bearer ${await guestToken(request)}` };
  const fail = 'http://localhost:7007/api/fault-injection/fail';
  for (let i = 0; i < 3; i++) {
    expect((await request.get(fail, { headers })).status()).toBe(500);
  }
  const throttled = await request.get(fail, { headers });
  expect(throttled.status()).toBe(429);
  expect((await throttled.json()).error.name).toBe('TooManyRequestsError');
  expect(Number(throttled.headers()['retry-after'])).toBeGreaterThan(0);

  // The page refreshes itself every few seconds and says why: one caller throttled, the plugin itself closed.
  await expect(page.getByTestId('why-fault-injection')).toContainText(
    /1 caller throttled \(429\): user:/,
    { timeout: 15_000 },
  );
  await expect(page.getByTestId('state-fault-injection')).toHaveText('closed');
  await expect(page.getByTestId('state-catalog')).toHaveText('closed');
  await page.screenshot({ path: test.info().outputPath('plugin-health.png') });
});
