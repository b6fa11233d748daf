import { expect, Page, test } from '@playwright/test';
import { readFileSync } from 'fs';
import path from 'path';
import { parseAllDocuments } from 'yaml';
import { signInAsGuest } from './helpers';

/**
 * The expected numbers come from the files the portal loads, not from the portal: the catalog YAML says who
 * owns what, catalog/kpis/demo-kpis.json holds the samples. The page must show their sums.
 */
const root = path.resolve(__dirname, '../..');
type Sample = { entityRef: string; kpi: string; period: string; value: number };
const samples: Sample[] = JSON.parse(
  readFileSync(path.join(root, 'catalog/kpis/demo-kpis.json'), 'utf8'),
).samples;
const latest = samples
  .map(s => s.period)
  .sort()
  .at(-1)!;

function ownedBy(owners: string[]): string[] {
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

function expectedTiles(owners: string[]) {
  const refs = new Set(ownedBy(owners));
  const sum = (kpi: (name: string) => boolean) =>
    samples
      .filter(s => refs.has(s.entityRef) && s.period === latest && kpi(s.kpi))
      .reduce((total, s) => total + s.value, 0);
  const [year, month] = latest.split('-').map(Number);
  const weeks = new Date(Date.UTC(year, month, 0)).getUTCDate() / 7;
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

async function expectTeam(page: Page, title: string, owners: string[]) {
  const expected = expectedTiles(owners);
  await expect(
    page.getByRole('heading', { level: 2, name: title }),
  ).toBeVisible();
  await expect(
    page.getByText(`What ${title} owns (${expected.owned})`),
  ).toBeVisible();
  const tile = (name: string) =>
    page.getByRole('region', { name }).getByTestId('kpi-value');
  await expect(tile('Cloud cost')).toHaveText(expected.cost);
  await expect(tile('Incident rate')).toHaveText(expected.incidentRate);
  await expect(tile('Security issues')).toHaveText(expected.security);
}

test('a signed-in squad member lands on the manage page with the squad, what it owns and its KPIs', async ({
  page,
}) => {
  await signInAsGuest(page);
  await expect(page).toHaveURL(/\/manage$/);
  await expect(
    page.getByRole('tab', { name: 'Checkout Squad', selected: true }),
  ).toBeVisible();
  await expectTeam(page, 'Checkout Squad', ['checkout-squad']);
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
  await expectTeam(page, 'Payments Tribe', [
    'payments-tribe',
    'checkout-squad',
    'payments-core-squad',
    'fraud-squad',
  ]);
  await expect(
    page.getByRole('table', { name: 'Sub-teams' }).getByRole('link'),
  ).toHaveText(['Checkout Squad', 'Fraud Squad', 'Payments Core Squad']);
});

test('any team can be looked up by name and deep-linked', async ({ page }) => {
  await signInAsGuest(page);
  await page.getByLabel('Look up a team').fill('search');
  await page.getByRole('option', { name: 'Search Squad (squad)' }).click();
  await expect(page).toHaveURL(/\/manage\/group\/default\/search-squad$/);
  await expectTeam(page, 'Search Squad', ['search-squad']);

  await page.goto('/manage/group/default/platform-tribe');
  await expect(
    page.getByRole('heading', { level: 2, name: 'Platform Tribe' }),
  ).toBeVisible();
});
