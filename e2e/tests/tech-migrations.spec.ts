import { APIRequestContext, expect, test } from '@playwright/test';
import {
  guestToken,
  signInAsGuest,
  expectNoSeriousAxeViolations,
} from './helpers';

const api = 'http://localhost:7007/api/tech-migrations';

async function headers(request: APIRequestContext) {
  return { Authorization: `Bearer ${await guestToken(request)}` };
}

/** Sets (or with null removes) the CI fact nodeVersion of payments-sdk-js; the backend re-evaluates it at once. */
async function pushNodeVersion(
  request: APIRequestContext,
  value: string | null,
) {
  const res = await request.post(`${api}/facts`, {
    headers: await headers(request),
    data: {
      entities: [
        {
          entityRef: 'component:default/payments-sdk-js',
          facts: { nodeVersion: value },
        },
      ],
    },
  });
  expect(res.status(), await res.text()).toBe(200);
}

test.beforeAll(async ({ request }) => {
  // Evaluate now rather than waiting for the schedule, until the whole sample catalog is in (8 TypeScript components).
  await expect
    .poll(
      async () => {
        const h = await headers(request);
        await request.post(`${api}/evaluate`, { headers: h });
        const res = await request.get(`${api}/migrations`, { headers: h });
        const body = await res.json();
        return body.migrations?.find((m: any) => m.id === 'node-22')?.total;
      },
      { timeout: 60_000, intervals: [1000, 2000, 5000] },
    )
    .toBe(8);
  // A retry must start from the sample data: drop the fact the last test pushed.
  await pushNodeVersion(request, null);
});

test.beforeEach(async ({ page }) => {
  await signInAsGuest(page);
});

test('the index shows the sample migrations with their progress', async ({
  page,
}) => {
  await page.getByRole('link', { name: 'Tech migrations' }).click();
  await expect(
    page.getByRole('heading', { name: 'Tech migrations' }),
  ).toBeVisible();
  await expect(page.getByTestId('percent-python-3')).toHaveText('67%');
  await expect(page.getByTestId('percent-node-22')).toHaveText('25%');
  await expect(page.getByTestId('percent-new-backend-system')).toHaveText(
    '67%',
  );
  // Python 3's target (2026-10-31) has passed on this machine's calendar; the others are still running.
  await expect(page.getByTestId('health-python-3')).toHaveText(/overdue|done/);
});

test('a migration ranks tribes, expands into squads, and moves a team up when CI pushes a fact', async ({
  page,
  request,
}) => {
  await page.goto('/tech-migrations');
  await page.getByTestId('migration-link-node-22').click();
  await expect(page.getByRole('heading', { name: 'Node 22' })).toBeVisible();
  const tribes = page.getByTestId(/^leaderboard-tribe-/);
  await expect(tribes).toHaveCount(3);
  const order = async () =>
    (
      await tribes.evaluateAll(rows =>
        rows.map(r => r.getAttribute('data-testid')),
      )
    ).map(id => id!.replace('leaderboard-tribe-', ''));
  expect(await order()).toEqual([
    'platform-tribe',
    'experience-tribe',
    'payments-tribe',
  ]);
  await expect(page.getByTestId('percent-platform-tribe')).toHaveText('100%');
  await expect(page.getByTestId('burnup')).toBeVisible();
  await expect(
    page.getByText('Target 2027-06-30', { exact: true }),
  ).toBeVisible();
  // Remaining entities with what is missing.
  await expect(
    page
      .getByText("metadata.annotations['example.com/node-version'] is 18")
      .first(),
  ).toBeVisible();

  await page.getByRole('button', { name: 'Expand Payments Tribe' }).click();
  await expect(
    page.getByTestId('leaderboard-squad-checkout-squad'),
  ).toBeVisible();
  await expect(
    page.getByTestId('leaderboard-squad-payments-core-squad'),
  ).toBeVisible();

  // CI reports Node 22 for payments-sdk-js (payments-core-squad): payments-tribe passes experience-tribe.
  await pushNodeVersion(request, '22.11.0');
  await page.reload();
  await expect(tribes).toHaveCount(3);
  await expect
    .poll(order)
    .toEqual(['platform-tribe', 'payments-tribe', 'experience-tribe']);
  await expect(page.getByTestId('percent-payments-tribe')).toHaveText('25%');
  await page.getByRole('button', { name: 'Expand Payments Tribe' }).click();
  const squads = page.getByTestId(/^leaderboard-squad-/);
  expect(
    await squads.evaluateAll(rows =>
      rows.map(r => r.getAttribute('data-testid')),
    ),
  ).toEqual([
    'leaderboard-squad-payments-core-squad',
    'leaderboard-squad-checkout-squad',
  ]);
  await page.screenshot({
    path: test.info().outputPath('tech-migrations.png'),
    fullPage: true,
  });
  await pushNodeVersion(request, null);
});

test('an entity page lists the migrations of the entity', async ({ page }) => {
  await page.goto('/catalog/default/component/cart-service');
  const card = page.getByTestId('entity-migration-node-22');
  await expect(card).toBeVisible();
  await expect(card).toContainText('Node 22');
  await expect(card).toContainText(
    "metadata.annotations['example.com/node-version'] is 18",
  );
  await expect(page.getByTestId('entity-migration-status-node-22')).toHaveText(
    'remaining',
  );
  await expect(
    page.getByTestId('entity-migration-status-new-backend-system'),
  ).toHaveText('remaining');
});

for (const [name, url, ready] of [
  ['index', '/tech-migrations', 'percent-node-22'],
  [
    'migration page',
    '/tech-migrations/node-22',
    'leaderboard-tribe-platform-tribe',
  ],
] as const) {
  test(`axe finds no serious or critical accessibility violation on the migrations ${name}`, async ({
    page,
  }) => {
    await page.goto(url);
    await expect(page.getByTestId(ready)).toBeVisible();
    await page.waitForLoadState('networkidle');
    await expectNoSeriousAxeViolations(page);
  });
}
