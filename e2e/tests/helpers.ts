import { APIRequestContext, expect, Page } from '@playwright/test';

/** Signs in as the development guest (user:default/guest) from the sign-in page. */
export async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  // Signed in once the app shell renders; navigating before that would land on the sign-in page again.
  await expect(enter).toBeHidden();
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
