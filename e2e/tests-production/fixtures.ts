import { expect, Page, test as base } from '@playwright/test';

export const backendUrl = () => process.env.PROD_E2E_BASE!;
export const standinUrl = () => process.env.PROD_E2E_STANDIN!;

/**
 * Every test: the stand-in's log of unimplemented endpoints (501) is cleared before and must be empty after, so a
 * flow that calls something the stand-in does not implement fails the test that caused it.
 */
export const test = base.extend<{ standinChecked: void }>({
  standinChecked: [
    async ({}, use) => {
      await fetch(`${standinUrl()}/_standin/reset-log`, { method: 'POST' });
      await use();
      const unimplemented = await (
        await fetch(`${standinUrl()}/_standin/unimplemented`)
      ).json();
      // The browser asks every page's host for /favicon.ico (the authorize page is on the stand-in): not a GitHub
      // API call any flow makes.
      expect(
        unimplemented.filter(
          (u: { path: string }) => u.path !== '/favicon.ico',
        ),
        'GitHub stand-in answered 501',
      ).toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

/**
 * Signs in with the GitHub button: the popup is the stand-in's authorize page, where the user types the login.
 * Returns once the popup has closed.
 */
export async function clickGithubSignIn(page: Page, login: string) {
  await page.goto(backendUrl());
  await expect(
    page.getByText('Sign in using your GitHub account'),
  ).toBeVisible();
  const popupOpened = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const popup = await popupOpened;
  await popup.getByLabel('Username or email address').fill(login);
  // The popup closes itself as soon as it has handed the result to the app: listen before clicking.
  const closed = popup.waitForEvent('close');
  await popup.getByRole('button', { name: 'Authorize' }).click();
  await closed;
}
