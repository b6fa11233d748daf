import { clickGithubSignIn, expect, test } from './fixtures';

test('a squad member signs in with GitHub and lands on the manage page of their team (from GitHub teams)', async ({
  page,
}) => {
  await clickGithubSignIn(page, 'bob');
  // The manage page is the home page; bob's only team is the GitHub team checkout, a child of payments: a squad.
  await expect(
    page.getByRole('heading', { level: 2, name: 'Checkout Squad' }),
  ).toBeVisible();
  await expect(page.getByText('Sign in using your GitHub account')).toBeHidden();
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
