import { APIRequestContext, expect, test } from '@playwright/test';
import {
  ciHeaders,
  firstLoad,
  guestToken,
  expectNoSeriousAxeViolations,
} from './helpers';

const api = 'http://localhost:7007/api/tech-migrations';

async function headers(request: APIRequestContext) {
  return { Authorization: `Bearer ${await guestToken(request)}` };
}

async function getJson(request: APIRequestContext, url: string) {
  const res = await request.get(url, { headers: await headers(request) });
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

type Counts = { done: number; remaining: number; exempt: number };
type Team = Counts & { teamRef: string; percent: number; rank: number };
type Tribe = Team & { squads: Team[] };

/**
 * A migration's counts over the sample catalog only. The golden-path templates (this or an earlier run) add
 * components named e2e-*; those are left out so the sample numbers stay exact however often the suite ran.
 */
async function sampleCounts(
  request: APIRequestContext,
  id: string,
): Promise<Counts & { total: number }> {
  const { entities } = await getJson(
    request,
    `${api}/migrations/${id}/entities`,
  );
  const sample = (
    entities as { entityRef: string; status: keyof Counts }[]
  ).filter(e => !e.entityRef.startsWith('component:default/e2e-'));
  const count = (status: keyof Counts) =>
    sample.filter(e => e.status === status).length;
  return {
    done: count('done'),
    remaining: count('remaining'),
    exempt: count('exempt'),
    total: sample.length,
  };
}

async function leaderboard(request: APIRequestContext): Promise<Tribe[]> {
  return (await getJson(request, `${api}/migrations/node-22/leaderboard`))
    .tribes;
}

/** As the page shows a percentage (plugins/tech-migrations formatPercent). */
const shown = (percent: number) => `${Math.round(percent)}%`;
const percentOf = (c: { done: number; remaining: number }) =>
  c.done + c.remaining === 0 ? 100 : (100 * c.done) / (c.done + c.remaining);
const short = (ref: string) => ref.replace(/^group:default\//, '');
const today = new Date().toISOString().slice(0, 10);

/** Sets (or with null removes) the CI fact nodeVersion of payments-sdk-js; the backend re-evaluates it at once. */
async function pushNodeVersion(
  request: APIRequestContext,
  value: string | null,
) {
  const res = await request.post(`${api}/facts`, {
    headers: ciHeaders(),
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
  // A run that stopped half-way may have left the fact the leaderboard test pushes: start from the sample data.
  await pushNodeVersion(request, null);
  // Evaluate now rather than waiting for the schedule, until the whole sample catalog is in (8 TypeScript
  // components); the catalog ingests it on its own schedule, hence the long poll.
  await expect
    .poll(
      async () => {
        const res = await request.post(`${api}/evaluate`, {
          headers: ciHeaders(),
        });
        expect(res.status()).toBe(200);
        return (await sampleCounts(request, 'node-22')).total;
      },
      { timeout: 60_000, intervals: [1000, 2000, 5000] },
    )
    .toBe(8);
});

test('the index shows the sample migrations with their progress', async ({
  page,
  request,
}) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'Tech migrations' }).click(firstLoad);
  await expect(
    page.getByRole('heading', { name: 'Tech migrations' }),
  ).toBeVisible(firstLoad);
  // The sample catalog's state (catalog/components, catalog/migrations). legacy-money-utils is exempt from Python 3
  // until 2027-03-31; after that day it counts as remaining.
  const exempted = today <= '2027-03-31' ? 1 : 0;
  expect(await sampleCounts(request, 'python-3')).toEqual({
    done: 2,
    remaining: 2 - exempted,
    exempt: exempted,
    total: 4,
  });
  expect(await sampleCounts(request, 'node-22')).toEqual({
    done: 2,
    remaining: 6,
    exempt: 0,
    total: 8,
  });
  expect(await sampleCounts(request, 'new-backend-system')).toEqual({
    done: 2,
    remaining: 1,
    exempt: 0,
    total: 3,
  });
  // The page shows every migration's progress as the backend counts it (sample plus e2e-made components).
  const { migrations } = await getJson(request, `${api}/migrations`);
  for (const id of ['python-3', 'node-22', 'new-backend-system']) {
    const m = migrations.find((x: { id: string }) => x.id === id);
    expect(m.percent).toBeCloseTo(percentOf(m), 1); // the API rounds to 0.1
    await expect(page.getByTestId(`percent-${id}`)).toHaveText(
      shown(m.percent),
    );
  }
  // Python 3's target (2026-10-31): overdue (or done) once it has passed, whatever the date of the run.
  const python = migrations.find((x: { id: string }) => x.id === 'python-3');
  await expect(page.getByTestId('health-python-3')).toHaveText(
    today > python.targetDate ? /overdue|done/ : /on track|at risk|done/,
  );
});

test('a migration ranks tribes, expands into squads, and moves a team up when CI pushes a fact', async ({
  page,
  request,
}) => {
  await page.goto('/tech-migrations');
  await page.getByTestId('migration-link-node-22').click();
  await expect(page.getByRole('heading', { name: 'Node 22' })).toBeVisible(
    firstLoad,
  );
  const tribes = page.getByTestId(/^leaderboard-tribe-/);
  const shownOrder = async (rows: typeof tribes) =>
    (
      await rows.evaluateAll(els => els.map(r => r.getAttribute('data-testid')))
    ).map(id => id!.replace(/^leaderboard-(tribe|squad)-/, ''));
  const expectRanked = (teams: Team[]) =>
    expect(teams.map(t => t.percent)).toEqual(
      [...teams.map(t => t.percent)].sort((a, b) => b - a),
    );

  // The three sample tribes, best first, as the backend ranks them now (the templates' components owned by the
  // guest's squad move payments-tribe on every run, so the order itself is read, and checked to be a ranking).
  const before = await leaderboard(request);
  expect(before.map(t => short(t.teamRef)).sort()).toEqual([
    'experience-tribe',
    'payments-tribe',
    'platform-tribe',
  ]);
  expectRanked(before);
  await expect(tribes).toHaveCount(3);
  expect(await shownOrder(tribes)).toEqual(before.map(t => short(t.teamRef)));
  // Platform tribe owns only sample components, all on Node 22.
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

  // CI reports Node 22 for payments-sdk-js (payments-core-squad, still on 18): one more done for the squad and
  // its tribe, which cannot fall in the ranking.
  const tribeBefore = before.find(t => short(t.teamRef) === 'payments-tribe')!;
  const squadBefore = tribeBefore.squads.find(
    s => short(s.teamRef) === 'payments-core-squad',
  )!;
  await pushNodeVersion(request, '22.11.0');
  const after = await leaderboard(request);
  const tribeAfter = after.find(t => short(t.teamRef) === 'payments-tribe')!;
  const squadAfter = tribeAfter.squads.find(
    s => short(s.teamRef) === 'payments-core-squad',
  )!;
  for (const [was, is] of [
    [tribeBefore, tribeAfter],
    [squadBefore, squadAfter],
  ]) {
    expect({ done: is.done, remaining: is.remaining }).toEqual({
      done: was.done + 1,
      remaining: was.remaining - 1,
    });
    expect(is.percent).toBeCloseTo(percentOf(is), 1); // the API rounds to 0.1
  }
  expect(tribeAfter.rank).toBeLessThanOrEqual(tribeBefore.rank);
  expect(squadAfter.rank).toBeLessThanOrEqual(squadBefore.rank);
  expectRanked(after);

  await page.reload();
  await expect(tribes).toHaveCount(3);
  expect(await shownOrder(tribes)).toEqual(after.map(t => short(t.teamRef)));
  await expect(page.getByTestId('percent-payments-tribe')).toHaveText(
    shown(tribeAfter.percent),
  );
  await page.getByRole('button', { name: 'Expand Payments Tribe' }).click();
  const squads = page.getByTestId(/^leaderboard-squad-/);
  await expect(squads).toHaveCount(tribeAfter.squads.length);
  expectRanked(tribeAfter.squads);
  expect(await shownOrder(squads)).toEqual(
    tribeAfter.squads.map(s => short(s.teamRef)),
  );
  await expect(page.getByTestId('percent-payments-core-squad')).toHaveText(
    shown(squadAfter.percent),
  );
  await page.screenshot({
    path: test.info().outputPath('tech-migrations.png'),
    fullPage: true,
  });
  await pushNodeVersion(request, null);
});

test('an entity page lists the migrations of the entity', async ({ page }) => {
  await page.goto('/catalog/default/component/cart-service');
  const card = page.getByTestId('entity-migration-node-22');
  await expect(card).toBeVisible(firstLoad);
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
    await expect(page.getByTestId(ready)).toBeVisible(firstLoad);
    await page.waitForLoadState('networkidle');
    await expectNoSeriousAxeViolations(page);
  });
}
