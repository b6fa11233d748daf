import { Page } from '@playwright/test';
import { githubSignIn } from './github-sign-in';
import {
  backendUrl,
  clickGithubSignIn,
  expect,
  standinUrl,
  test,
} from './fixtures';

/**
 * fraud-detector (a repository on the stand-in) is owned by the GitHub team fraud (carol). bob, a member of another
 * squad, may see it but not unregister it; carol can (by deleting the entity, see the policy's README).
 */
const entityPath = '/catalog/default/component/fraud-detector';

async function openUnregister(page: Page) {
  await page.goto(`${backendUrl()}${entityPath}`);
  await expect(
    page.getByRole('heading', { name: 'fraud-detector' }),
  ).toBeVisible();
  await page.getByTestId('menu-button').click();
  return page.getByRole('menuitem', { name: 'Unregister entity' });
}

test.beforeAll(async () => {
  // Registered by a member, as the catalog import page does.
  const { token } = await githubSignIn(backendUrl(), 'carol');
  const res = await fetch(`${backendUrl()}/api/catalog/locations`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({
      type: 'url',
      target: `${standinUrl()}/example-org/fraud-detector/blob/main/catalog-info.yaml`,
    }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
});

test('a member who does not own an entity cannot unregister it', async ({
  page,
}) => {
  await clickGithubSignIn(page, 'bob');
  await expect(
    page.getByText('Sign in using your GitHub account'),
  ).toBeHidden();
  const unregister = await openUnregister(page);
  await expect(unregister).toBeVisible();
  await expect(unregister).toBeDisabled();
  // And the API refuses it too.
  const { token } = await githubSignIn(backendUrl(), 'bob');
  const headers = { Authorization: `Bearer ${token}` };
  const entity = await (
    await fetch(
      `${backendUrl()}/api/catalog/entities/by-name/component/default/fraud-detector`,
      { headers },
    )
  ).json();
  const del = await fetch(
    `${backendUrl()}/api/catalog/entities/by-uid/${entity.metadata.uid}`,
    { method: 'DELETE', headers },
  );
  expect(del.status).toBe(403);
});

test('its owner can unregister it', async ({ page }) => {
  await clickGithubSignIn(page, 'carol');
  await expect(
    page.getByText('Sign in using your GitHub account'),
  ).toBeHidden();
  const unregister = await openUnregister(page);
  await expect(unregister).toBeEnabled();
  await unregister.click();
  // Removing the location is an admin's job (catalog.location.delete is a basic permission, no ownership condition
  // possible; plugins/permission-backend-module-policy): the owner deletes the entity.
  await page.getByRole('button', { name: 'Advanced Options' }).click();
  await page.getByRole('button', { name: 'Delete Entity' }).click();
  await expect
    .poll(async () => {
      const { token } = await githubSignIn(backendUrl(), 'carol');
      return (
        await fetch(
          `${backendUrl()}/api/catalog/entities/by-name/component/default/fraud-detector`,
          {
            headers: { Authorization: `Bearer ${token}` },
          },
        )
      ).status;
    })
    .toBe(404);
});
