import { expect, Page } from '@playwright/test';

/** Signs in as the development guest (user:default/guest) from the sign-in page. */
export async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
}
