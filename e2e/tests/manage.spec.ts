import { APIRequestContext, expect, Page, test } from '@playwright/test';
import { readFileSync } from 'fs';
import path from 'path';
import { parseAllDocuments } from 'yaml';
import { firstLoad, guestToken, signInAsGuest } from './helpers';

/**
 * The expected numbers come from outside the manage plugin: the catalog says who owns what (the sample YAML, plus
 * whatever other tests or runs added since, e.g. the golden-path templates' components), and
 * catalog/kpis/demo-kpis.json holds the samples. The page must show their sums.
 */
const root = path.resolve(__dirname, '../..');

// The manage page is where signing in lands, so these tests sign in through the sign-in page (not the saved guest
// session the other specs start from, playwright.config.ts): that keeps the sign-in page itself tested, at no extra
// page load.
test.use({ storageState: { cookies: [], origins: [] } });

// Demo samples are dated in months before the month the backend loads them in (monthsAgo 0 = this UTC month).
type Sample = {
  entityRef: string;
  kpi: string;
  monthsAgo: number;
  value: number;
};
const samples: Sample[] = JSON.parse(
  readFileSync(path.join(root, 'catalog/kpis/demo-kpis.json'), 'utf8'),
).samples;
const latest = Math.min(...samples.map(s => s.monthsAgo));

/** The sample entities the catalog YAML gives the teams. */
function sampleOwnedBy(owners: string[]): string[] {
  const files = [
    'components/checkout.yaml',
    'components/payments-core.yaml',
    'components/storefront.yaml',
    'components/developer-portal.yaml',
    'apis.yaml',
    'resources.yaml',
    'systems.yaml',
    'domains.yaml',
  ];
  return files.flatMap(file =>
    parseAllDocuments(readFileSync(path.join(root, 'catalog', file), 'utf8'))
      .map(doc => doc.toJS())
      .filter(
        e => e && owners.includes(String(e.spec.owner).replace(/^group:/, '')),
      )
      .map(e => `${e.kind.toLowerCase()}:default/${e.metadata.name}`),
  );
}

// The kinds the manage page counts (plugins/manage-backend CatalogMirror).
const OWNABLE_KINDS = ['component', 'api', 'system', 'resource', 'domain'];

/** What the catalog says the teams own right now. */
async function catalogOwnedBy(
  request: APIRequestContext,
  owners: string[],
): Promise<string[]> {
  const query = new URLSearchParams({ fields: 'kind,metadata.name' });
  // Filters in separate parameters are ORed.
  for (const owner of owners) {
    query.append('filter', `relations.ownedBy=group:default/${owner}`);
  }
  const res = await request.get(
    `http://localhost:7007/api/catalog/entities?${query}`,
    { headers: { Authorization: `Bearer ${await guestToken(request)}` } },
  );
  expect(res.status()).toBe(200);
  const refs = (
    (await res.json()) as { kind: string; metadata: { name: string } }[]
  )
    .filter(e => OWNABLE_KINDS.includes(e.kind.toLowerCase()))
    .map(e => `${e.kind.toLowerCase()}:default/${e.metadata.name}`);
  // The catalog has the sample data in (else the comparison below proves little).
  expect(refs).toEqual(expect.arrayContaining(sampleOwnedBy(owners)));
  return refs;
}

function expectedTiles(ownedRefs: string[]) {
  const refs = new Set(ownedRefs);
  const sum = (kpi: (name: string) => boolean) =>
    samples
      .filter(
        s => refs.has(s.entityRef) && s.monthsAgo === latest && kpi(s.kpi),
      )
      .reduce((total, s) => total + s.value, 0);
  // Incidents per week of the latest month: its number of days (day 0 of the next month is its last day).
  const now = new Date();
  const weeks =
    new Date(
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - latest + 1, 0),
    ).getUTCDate() / 7;
  return {
    owned: refs.size,
    cost: new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: 'USD',
      maximumFractionDigits: 0,
    }).format(sum(k => k === 'cloud-cost')),
    incidentRate: `${(sum(k => k === 'incidents') / weeks).toFixed(1)} / week`,
    security: `${sum(k => k.startsWith('security-issues-'))} open`,
  };
}

async function expectTeam(
  page: Page,
  request: APIRequestContext,
  title: string,
  owners: string[],
) {
  const expected = expectedTiles(await catalogOwnedBy(request, owners));
  await expect(
    page.getByRole('heading', { level: 2, name: title }),
  ).toBeVisible(firstLoad);
  // The manage plugin mirrors the catalog on a schedule (every 15 s in dev): an entity another test registered a
  // moment ago shows up after the next sync, so reload until it has.
  const owns = page.getByText(`What ${title} owns (${expected.owned})`);
  await expect(async () => {
    if (!(await owns.isVisible())) await page.reload();
    await expect(owns).toBeVisible();
  }).toPass({ timeout: 45_000 });
  const tile = (name: string) =>
    page.getByRole('region', { name }).getByTestId('kpi-value');
  await expect(tile('Cloud cost')).toHaveText(expected.cost);
  await expect(tile('Incident rate')).toHaveText(expected.incidentRate);
  await expect(tile('Security issues')).toHaveText(expected.security);
}

test('a signed-in squad member lands on the manage page with the squad, what it owns and its KPIs', async ({
  page,
  request,
}) => {
  await signInAsGuest(page);
  await expect(page).toHaveURL(/\/manage$/);
  await expect(
    page.getByRole('tab', { name: 'Checkout Squad', selected: true }),
  ).toBeVisible();
  await expectTeam(page, request, 'Checkout Squad', ['checkout-squad']);
  // What it owns, grouped by kind and type (other cards on the page may link the same entities).
  for (const [group, name] of [
    ['Component · service', 'checkout-service'],
    ['Component · service', 'cart-service'],
    ['Component · website', 'checkout-web'],
    ['Resource · database', 'checkout-db'],
  ]) {
    await expect(
      page
        .getByRole('region', { name: group })
        .getByRole('link', { name, exact: true }),
    ).toBeVisible();
  }

  // Up to the tribe: everything its squads own, rolled up.
  await page.getByRole('link', { name: 'Parent team' }).click();
  await expect(page).toHaveURL(/\/manage\/group\/default\/payments-tribe$/);
  await expectTeam(page, request, 'Payments Tribe', [
    'payments-tribe',
    'checkout-squad',
    'payments-core-squad',
    'fraud-squad',
  ]);
  await expect(
    page.getByRole('table', { name: 'Sub-teams' }).getByRole('link'),
  ).toHaveText(['Checkout Squad', 'Fraud Squad', 'Payments Core Squad']);
});

test('any team can be looked up by name and deep-linked', async ({
  page,
  request,
}) => {
  await signInAsGuest(page);
  await page.getByLabel('Look up a team').fill('search');
  await page.getByRole('option', { name: 'Search Squad (squad)' }).click();
  await expect(page).toHaveURL(/\/manage\/group\/default\/search-squad$/);
  await expectTeam(page, request, 'Search Squad', ['search-squad']);

  await page.goto('/manage/group/default/platform-tribe');
  await expect(
    page.getByRole('heading', { level: 2, name: 'Platform Tribe' }),
  ).toBeVisible(firstLoad);
});

/**
 * Each tile says how fresh its number is, from the stored status of its sources: cloud cost has only the demo file
 * (fresh); the e2e config adds an incident feed that goes stale a second after each run and a security source that
 * fails every run (the dev-only plugins/manage-backend-module-fault-injection). The numbers stay the demo's either way.
 * MANAGE_SCREENSHOTS=1 writes the three tiles to plugins/manage/docs/ (the README shows them); otherwise they go to
 * the test's output folder.
 */
test('KPI tiles say how fresh their numbers are and warn when a source is stale or failed', async ({
  page,
  request,
}, testInfo) => {
  await signInAsGuest(page);
  await expectTeam(page, request, 'Checkout Squad', ['checkout-squad']);
  const tile = (name: string) => page.getByRole('region', { name });
  const freshness = (name: string) => tile(name).getByTestId('kpi-freshness');
  // The fault-injection providers first run a second after the backend starts; reload until they have.
  await expect(async () => {
    await page.reload();
    await expect(freshness('Security issues')).toHaveAttribute(
      'data-state',
      'failed',
      { timeout: 2_000 },
    );
  }).toPass({ timeout: 60_000 });

  await expect(freshness('Cloud cost')).toHaveAttribute('data-state', 'fresh');
  await expect(freshness('Cloud cost')).toHaveText(
    /^Updated (just now|\d+ (s|min) ago)$/,
  );
  await expect(freshness('Incident rate')).toHaveAttribute(
    'data-state',
    'stale',
  );
  await expect(freshness('Incident rate')).toHaveText(
    /^Stale: e2e-incident-feed last updated (just now|\d+ (s|min) ago) \(expected within 1 s\)\.$/,
  );
  await expect(freshness('Security issues')).toHaveText(
    'Source failed: e2e-security-scanner (Injected failure: the security scanner answered 503). It has not delivered data yet.',
  );

  const dir = process.env.MANAGE_SCREENSHOTS
    ? path.join(root, 'plugins/manage/docs')
    : testInfo.outputPath();
  for (const [name, file] of [
    ['Cloud cost', 'tile-fresh.png'],
    ['Incident rate', 'tile-stale.png'],
    ['Security issues', 'tile-failed.png'],
  ]) {
    await tile(name).screenshot({ path: path.join(dir, file) });
  }
});
