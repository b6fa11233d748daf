import { test as setup } from '@playwright/test';
import { signInAsGuest } from './helpers';

// Signs in through the sign-in page once and saves the browser state every test starts from (playwright.config.ts:
// E2E_GUEST_STATE). If guest sign-in is broken, this fails and no test runs.
setup('the guest signs in', async ({ page }) => {
  await signInAsGuest(page);
  await page.context().storageState({ path: process.env.E2E_GUEST_STATE! });
});
