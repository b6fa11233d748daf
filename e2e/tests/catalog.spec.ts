import { expect, test } from '@playwright/test';
import { firstLoad } from './helpers';

test('the catalog lists the sample components', async ({ page }) => {
  await page.goto('/catalog?filters[kind]=component&filters[user]=all');
  await expect(
    page.getByRole('link', { name: 'checkout-service', exact: true }),
  ).toBeVisible(firstLoad);
  // Each one looked up by name: the table shows 20 rows a page, and every run adds the templates' e2e-*
  // components, which sort before most sample names.
  const search = page.getByRole('textbox', { name: 'Search' });
  for (const name of ['storefront-web', 'ui-kit']) {
    await search.fill(name);
    await expect(page.getByRole('link', { name, exact: true })).toBeVisible();
  }
});

test('a component page opens with its owner and system', async ({ page }) => {
  await page.goto('/catalog?filters[kind]=component&filters[user]=all');
  const link = page.getByRole('link', {
    name: 'checkout-service',
    exact: true,
  });
  await expect(link).toBeVisible(firstLoad);
  await link.click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/component\/checkout-service/,
  );
  await expect(
    page.getByRole('heading', { name: 'checkout-service' }),
  ).toBeVisible(firstLoad);
  const about = page.locator('article', { hasText: 'About' }).first();
  // Owners render with the group's display name (catalog/org/squads.yaml).
  await expect(
    about.getByRole('link', { name: 'Checkout Squad' }),
  ).toBeVisible();
  await expect(
    about.getByRole('link', { name: 'checkout', exact: true }),
  ).toBeVisible();
});

test("a squad's page shows its members", async ({ page }) => {
  await page.goto('/catalog/default/group/checkout-squad');
  await expect(
    page.getByRole('heading', { name: /checkout/i }).first(),
  ).toBeVisible(firstLoad);
  // The guest user is a member of checkout-squad in catalog/org/users.yaml.
  await expect(page.getByText('Guest User')).toBeVisible();
});
