import { githubSignIn } from './github-sign-in';
import { backendUrl, clickGithubSignIn, expect, test } from './fixtures';

test('a squad member signs in with GitHub and lands on the manage page of their team (from GitHub teams)', async ({
  page,
}) => {
  await clickGithubSignIn(page, 'bob');
  // The manage page is the home page; bob's only team is the GitHub team checkout, a child of payments: a squad.
  await expect(
    page.getByRole('heading', { level: 2, name: 'Checkout Squad' }),
  ).toBeVisible();
  // Its type from the GitHub team tree (a child team), as the manage page shows it under the title.
  await expect(page.getByText('squad', { exact: true }).first()).toBeVisible();
  await expect(
    page.getByText('Sign in using your GitHub account'),
  ).toBeHidden();
});

test('a GitHub user outside the organization is refused, and told why', async ({
  page,
}) => {
  await clickGithubSignIn(page, 'mallory');
  await expect(
    page.getByText(
      /Your GitHub account mallory is not a member of the organization in the portal's catalog\./,
    ),
  ).toBeVisible();
  // Still on the sign-in page: no app shell.
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
});

test("the org is GitHub's: teams are tribes and squads, the sample YAML org is not loaded", async () => {
  const { token } = await githubSignIn(backendUrl(), 'bob');
  const get = async (ref: string) => {
    const res = await fetch(
      `${backendUrl()}/api/catalog/entities/by-name/${ref}`,
      {
        headers: { Authorization: `Bearer ${token}` },
      },
    );
    return res.status === 200 ? res.json() : res.status;
  };
  expect(await get('group/default/payments')).toMatchObject({
    spec: {
      type: 'tribe',
      children: expect.arrayContaining(['checkout', 'fraud']),
    },
  });
  expect(await get('group/default/checkout')).toMatchObject({
    spec: { type: 'squad', parent: 'payments', members: ['bob'] },
  });
  expect(await get('user/default/bob')).toMatchObject({
    spec: { memberOf: ['checkout'] },
  });
  expect(await get('user/default/mallory')).toBe(404);
  // catalog/org/*.yaml stays in development.
  expect(await get('user/default/guest')).toBe(404);
  expect(await get('group/default/checkout-squad')).toBe(404);
});
