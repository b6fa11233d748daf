import { expect, Page, test } from '@playwright/test';
import { expectNoSeriousAxeViolations, firstLoad } from './helpers';

const tabs = (page: Page) => page.getByRole('tab');

async function tabNames(page: Page) {
  await expect(tabs(page).first()).toBeVisible(firstLoad);
  return (await tabs(page).allTextContents()).map(t => t.trim().toLowerCase());
}

test('a service has overview, API, Kubernetes and dependencies; its pods come from the cluster', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/checkout-service');
  expect(await tabNames(page)).toEqual(
    expect.arrayContaining(['overview', 'api', 'kubernetes', 'dependencies']),
  );

  await page.getByRole('tab', { name: 'API' }).click();
  await expect(page.getByText('Provided APIs')).toBeVisible();
  // The definition of the provided API is rendered (Swagger UI lists its paths). Swagger UI is a large lazily loaded
  // chunk that parses the OpenAPI document before it renders anything.
  await expect(page.getByText('/checkouts').first()).toBeVisible({
    timeout: 15_000,
  });

  await page.getByRole('tab', { name: 'Kubernetes' }).click();
  // The Kubernetes backend lists every object kind of the cluster (a dozen calls to the stand-in) before answering.
  await expect(page.getByText('e2e-standin')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText('2 pods')).toBeVisible();
  await expect(page.getByText('No pods with errors')).toBeVisible();
  // Expand the cluster, then the deployment, down to its pods.
  await page.getByText('e2e-standin').click();
  // The deployment's own pod count (the first one is the cluster's) toggles its accordion.
  await page.getByText('2 pods').nth(1).click();
  await expect(
    page.getByText('checkout-service-7d4b9c-x2k9p').first(),
  ).toBeVisible();
  await page.screenshot({
    path: test.info().outputPath('service-kubernetes.png'),
    fullPage: true,
  });
});

test('a website has web vitals and no API tab', async ({ page }) => {
  await page.goto('/catalog/default/component/storefront-web');
  const names = await tabNames(page);
  expect(names).toContain('overview');
  expect(names).not.toContain('api');
  await expect(page.getByText('Performance: 87')).toBeVisible();
});

test('a library has dependents and version facts, and neither API nor Kubernetes tab', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/ui-kit');
  const names = await tabNames(page);
  expect(names).toEqual(expect.arrayContaining(['overview', 'dependents']));
  expect(names).not.toContain('api');
  expect(names).not.toContain('kubernetes');
  await expect(page.getByText('2.3.1')).toBeVisible();
  await page.getByRole('tab', { name: 'Dependents' }).click();
  await expect(
    page.getByText('Components that depend on this library'),
  ).toBeVisible();
});

test('a service without the kubernetes-id annotation explains what is missing', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/inventory-service/kubernetes');
  await expect(page.getByText(/Missing Annotation/i)).toBeVisible(firstLoad);
  await expect(
    page.getByText('backstage.io/kubernetes-id').first(),
  ).toBeVisible();
});

// Each page with what shows it loaded its data: an error page (e.g. "Could not fetch catalog entities") is not the
// page whose accessibility is being checked.
for (const [name, url, loaded] of [
  [
    'catalog',
    '/catalog',
    (p: Page) => p.getByRole('link', { name: 'checkout-service', exact: true }),
  ],
  [
    'service page',
    '/catalog/default/component/checkout-service',
    (p: Page) => p.getByRole('heading', { name: 'checkout-service' }),
  ],
  [
    'plugin health',
    '/plugin-health',
    (p: Page) => p.getByTestId('state-catalog'),
  ],
  [
    'manage page of a tribe',
    '/manage/group/default/payments-tribe',
    (p: Page) => p.getByRole('heading', { level: 2, name: 'Payments Tribe' }),
  ],
] as const) {
  test(`axe finds no serious or critical accessibility violation on the ${name}`, async ({
    page,
  }) => {
    await page.goto(url);
    await expect(loaded(page)).toBeVisible(firstLoad);
    await page.waitForLoadState('networkidle');
    // Scan the settled page: Backstage's loading spinner (an unnamed MUI progressbar) is transient. Pages such as
    // the manage page wait on several backend calls, each of which may queue behind the catalog's processing.
    await expect(page.getByRole('progressbar')).toHaveCount(0, {
      timeout: 15_000,
    });
    await expectNoSeriousAxeViolations(page);
  });
}
