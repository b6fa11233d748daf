import path from 'node:path';
import { expect, Page, test } from '@playwright/test';
import { ciHeaders, firstLoad, guestToken } from './helpers';

/*
 * TechDocs in development (builder local): a site is built by the backend (mkdocs from .tools/) the first time its
 * docs are opened, which takes a few seconds; the reader shows "being built" meanwhile and then renders the page.
 * Each test opens its own component's docs first, so none depends on another having built a site.
 */
const build = { timeout: 45_000 };
const root = path.resolve(__dirname, '../..');
// Unique names per run: a second run on the same data folder must not collide with the first one's repositories.
const runId = `${Date.now().toString(36)}${Math.random()
  .toString(36)
  .slice(2, 6)}`;

/**
 * The title of a rendered docs page (the reader's content lives in a shadow root, which Playwright's locators
 * pierce); MkDocs adds a permalink (¶) to it. Not the entity page's own h1, which is named "<name> Add to favorites".
 */
const docsHeading = (page: Page, title: string) =>
  page.getByRole('heading', {
    level: 1,
    name: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*¶?$`),
  });

/**
 * A docs page the user can see: its title rendered and the reader's progress bar gone. The reader keeps a page at
 * opacity 0 under that bar until every stylesheet of the site has loaded (a stylesheet that never loads, e.g. Google
 * Fonts offline, keeps it hidden for good), and Playwright counts opacity 0 as visible.
 */
async function expectDocsShown(page: Page, title: string) {
  await expect(docsHeading(page, title)).toBeVisible(build);
  await expect(page.getByRole('progressbar')).toHaveCount(0, build);
}

/**
 * TECHDOCS_SCREENSHOTS=1 writes the rendered runbooks to e2e/screenshots/ (techdocs-runbook.png here,
 * techdocs-template-runbook.png below; checked by eye and committed); otherwise to the test's output folder.
 */
test("a component's docs open from its page, and its runbook is one click away", async ({
  page,
}, testInfo) => {
  await page.goto('/catalog/default/component/payments-service');
  const viewDocs = page.getByRole('link', { name: 'View TechDocs' });
  await expect(viewDocs).toBeVisible(firstLoad);
  await viewDocs.click();
  await expect(page).toHaveURL(/\/docs\/default\/component\/payments-service/i);
  await expectDocsShown(page, 'payments-service');

  // The site's own navigation (mkdocs.yml nav), rendered by the reader.
  await page
    .getByRole('link', { name: 'Runbook', exact: true })
    .first()
    .click();
  await expect(page).toHaveURL(/\/payments-service\/runbook\/?$/);
  await expectDocsShown(page, 'Runbook');
  // Body text and an admonition from docs/runbook.md, rendered by techdocs-core's extensions.
  await expect(
    page.getByText('Do not replay captures by hand', { exact: true }),
  ).toBeVisible();
  await expect(page.getByText('payctl captures retry --batch')).toBeVisible();

  const file = process.env.TECHDOCS_SCREENSHOTS
    ? path.join(root, 'e2e/screenshots/techdocs-runbook.png')
    : testInfo.outputPath('techdocs-runbook.png');
  await page.screenshot({ path: file });
});

test('a docs page is found through the search page by a word from its body', async ({
  page,
  request,
}) => {
  // Built first (the Docs tab), so the collator has a site to index.
  await page.goto('/catalog/default/component/storefront-web/docs');
  await expectDocsShown(page, 'storefront-web');

  // The techdocs collator runs every minute in development; the poll below triggers it (through the scheduler's
  // API, as the CI caller) rather than waiting for its schedule. What it indexes and how it is found is unchanged.
  const trigger = async () => {
    const res = await request.post(
      'http://localhost:7007/api/search/.backstage/scheduler/v1/tasks/search_index_techdocs/trigger',
      { headers: ciHeaders() },
    );
    // 409: a run is under way (it may have started before the build); the next poll triggers again.
    expect([200, 409]).toContain(res.status());
  };

  // "purge" is only in the body of storefront-web's runbook (its CDN section), in no title. The index is asked first
  // (what the search page will show, without re-rendering the page every poll), then the page itself.
  const runbook = /\/docs\/default\/component\/storefront-web\/runbook\//i;
  const headers = { Authorization: `Bearer ${await guestToken(request)}` };
  await expect
    .poll(
      async () => {
        const res = await request.get(
          'http://localhost:7007/api/search/query?term=purge&types%5B0%5D=techdocs',
          { headers },
        );
        const body = res.ok() ? await res.json() : { results: [] };
        const locations: string[] = body.results.map(
          (r: { document: { location: string } }) => r.document.location,
        );
        if (!locations.some(l => runbook.test(l))) await trigger();
        return locations;
      },
      { timeout: 45_000, intervals: [2_000] },
    )
    .toContainEqual(expect.stringMatching(runbook));

  // The search page shows the Software Catalog type first; the user picks Documentation. Reloaded if the result is
  // not listed yet. A techdocs result is titled "<section> | <entity> docs" and links to the section.
  const result = page
    .getByRole('link', { name: /storefront-web docs/ })
    .first();
  await expect(async () => {
    await page.goto('/search?query=purge');
    await page
      .getByRole('navigation', { name: 'filter by type' })
      .getByRole('button', { name: 'Documentation' })
      .click();
    await expect(result).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 30_000 });
  await expect(result).toHaveAttribute('href', runbook);
  await result.click();
  await expectDocsShown(page, 'Runbook');
  await expect(
    page.getByText('Do not purge again during an incident', { exact: false }),
  ).toBeVisible();
});

test('a service made from the golden path has docs from its first commit', async ({
  page,
}, testInfo) => {
  const name = `e2e-docs-${runId}`;
  await page.goto('/create/templates/default/node-service');
  await page.getByLabel('Name', { exact: false }).first().fill(name);
  await page
    .getByLabel('Description', { exact: false })
    .first()
    .fill('Quotes shipping rates for the docs e2e test');
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
  await page
    .getByRole('link', { name: 'Open in catalog' })
    .click({ timeout: 60_000 });
  await expect(page.getByRole('heading', { name })).toBeVisible({
    timeout: 30_000,
  });

  // Built from the new repository on the local git remote (dir:. of its catalog-info.yaml).
  await page.getByRole('tab', { name: 'Docs' }).click();
  await expectDocsShown(page, name);
  await expect(
    page.getByText('Quotes shipping rates for the docs e2e test').first(),
  ).toBeVisible();
  await page
    .getByRole('link', { name: 'Runbook', exact: true })
    .first()
    .click();
  await expect(
    page.getByRole('heading', { name: 'The health check fails' }),
  ).toBeVisible();
  await expect(page.getByText(`${name} listening on 8080`)).toBeVisible();
  await page.screenshot({
    path: process.env.TECHDOCS_SCREENSHOTS
      ? path.join(root, 'e2e/screenshots/techdocs-template-runbook.png')
      : testInfo.outputPath('techdocs-template-runbook.png'),
  });
});
