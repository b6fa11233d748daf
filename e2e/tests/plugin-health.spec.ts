import { expect, test } from '@playwright/test';
import { guestToken, signInAsGuest } from './helpers';

test('Plugin health lists the catalog closed and opens the breaker of a failing plugin', async ({
  page,
  request,
}) => {
  await signInAsGuest(page);
  await page.getByRole('link', { name: 'Plugin health' }).click();
  await expect(
    page.getByRole('heading', { name: 'Plugin health' }),
  ).toBeVisible();
  await expect(page.getByTestId('state-catalog')).toHaveText('closed');

  // The e2e config loads a plugin that always fails and opens its breaker after 3 failures.
  const headers = { Authorization: `Bearer ${await guestToken(request)}` };
  const fail = 'http://localhost:7007/api/fault-injection/fail';
  for (let i = 0; i < 3; i++) {
    expect((await request.get(fail, { headers })).status()).toBe(500);
  }
  const rejected = await request.get(fail, { headers });
  expect(rejected.status()).toBe(503);
  expect(Number(rejected.headers()['retry-after'])).toBeGreaterThan(0);

  // The page refreshes itself every few seconds.
  await expect(page.getByTestId('state-fault-injection')).toHaveText('open', {
    timeout: 15_000,
  });
  await expect(page.getByTestId('state-catalog')).toHaveText('closed');
  await page.screenshot({ path: test.info().outputPath('plugin-health.png') });
});
