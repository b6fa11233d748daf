import AxeBuilder from '@axe-core/playwright';
import { APIRequestContext, expect, Page } from '@playwright/test';

/**
 * For the first assertion after a navigation, which waits for the app to load and for its first backend answers
 * (the catalog's entity list, an entity, a plugin's API). The e2e portal runs in dev mode (unminified app, backend
 * compiled on the fly) on a 2-core machine shared with other runs, where those first answers were seen to take
 * 5-15 s; later assertions on a loaded page keep Playwright's default 5 s.
 */
export const firstLoad = { timeout: 20_000 };

/** Signs in as the development guest (user:default/guest) from the sign-in page. */
export async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible(firstLoad);
  await enter.click();
  // Signed in once the app shell renders (after the backend issued the guest's identity and the app asked for the
  // user's profile); navigating before that would land on the sign-in page again.
  await expect(enter).toBeHidden(firstLoad);
  await expect(page.getByRole('link', { name: 'Plugin health' })).toBeVisible();
}

/** A backend token for the development guest, for API calls a test makes beside the browser. */
export async function guestToken(request: APIRequestContext): Promise<string> {
  const res = await request.get(
    'http://localhost:7007/api/auth/guest/refresh?env=development',
    {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    },
  );
  expect(res.ok()).toBe(true);
  return (await res.json()).backstageIdentity.token;
}

/** Headers of a call made as CI (the static token of e2e/app-config.e2e.yaml), not as a user. */
export function ciHeaders() {
  const token = process.env.E2E_CI_TOKEN;
  expect(token, 'E2E_CI_TOKEN is set by playwright.config.ts').toBeTruthy();
  return { Authorization: `Bearer ${token}` };
}

/** Fails on any serious or critical WCAG 2 A/AA violation axe finds on the page as it is now. */
export async function expectNoSeriousAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa'])
    // Backstage's Table (material-table) renders its sort buttons inside the column header; that nesting is
    // upstream markup we cannot change from the app. Everything else, colour contrast included, is checked.
    .disableRules(['nested-interactive'])
    .analyze();
  const serious = results.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(
      v =>
        `${v.id} (${v.impact}): ${v.nodes
          .map(n => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
  expect(serious).toEqual([]);
}
