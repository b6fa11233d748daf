import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, Page, test } from '@playwright/test';
import { guestToken, signInAsGuest } from './helpers';

const dataDir =
  process.env.BACKSTAGE_DATA_DIR ?? path.resolve(__dirname, '../../data');
const runId = Date.now().toString(36);

/** Commits of a branch of a repository on the local git remotes. */
function commits(repo: string, branch: string) {
  return execFileSync('git', ['log', '--format=%s', branch], {
    cwd: path.join(dataDir, 'git', `${repo}.git`),
  })
    .toString()
    .trim()
    .split('\n');
}

/**
 * Fills the first page of a template, leaves the owner empty (the default-owner decorator fills it) and creates.
 * Returns the body the browser sent to the scaffolder, to check where the secret travelled.
 */
async function runTemplate(
  page: Page,
  template: { name: string; title: string },
  fields: Record<string, string>,
) {
  await page.goto('/create');
  await expect(page.getByText(template.title, { exact: true })).toBeVisible();
  await page.goto(`/create/templates/default/${template.name}`);
  for (const [label, value] of Object.entries(fields)) {
    await page.getByLabel(label, { exact: false }).first().fill(value);
  }
  await page.getByRole('button', { name: 'Review' }).click();
  const submitted = page.waitForRequest(
    r => r.method() === 'POST' && /\/api\/scaffolder\/v2\/tasks$/.test(r.url()),
  );
  await page.getByRole('button', { name: 'Create' }).click();
  const body = (await submitted).postDataJSON();
  return body as {
    values: Record<string, unknown>;
    secrets?: Record<string, string>;
  };
}

async function expectSecretKept(
  page: Page,
  request: any,
  body: { values: object; secrets?: Record<string, string> },
) {
  const token = body.secrets?.publishToken;
  expect(token, 'the publish-token decorator set a secret').toBeTruthy();
  expect(JSON.stringify(body.values)).not.toContain(token);
  expect(page.url()).not.toContain(token!);
  const taskId = page.url().match(/\/tasks\/([\w-]+)/)?.[1];
  expect(taskId).toBeTruthy();
  const headers = { Authorization: `Bearer ${await guestToken(request)}` };
  const events = await request.get(
    `http://localhost:7007/api/scaffolder/v2/tasks/${taskId}/events`,
    { headers },
  );
  const task = await request.get(
    `http://localhost:7007/api/scaffolder/v2/tasks/${taskId}`,
    { headers },
  );
  expect(await events.text()).not.toContain(token!);
  expect(await task.text()).not.toContain(token!);
}

test.describe('golden-path templates', () => {
  test.beforeEach(async ({ page }) => {
    await signInAsGuest(page);
  });

  for (const [template, title, prefix] of [
    ['node-service', 'Node.js service (TypeScript)', 'svc'],
    ['website', 'Website', 'web'],
    ['typescript-library', 'TypeScript library', 'lib'],
  ] as const) {
    test(`${title}: creates a repository and a catalog entity owned by my team`, async ({
      page,
      request,
    }) => {
      const name = `e2e-${prefix}-${runId}`;
      const body = await runTemplate(
        page,
        { name: template, title },
        {
          Name: name,
          Description: `Made by the ${title} e2e test`,
        },
      );
      await expect(page.getByRole('link', { name: 'Repository' })).toBeVisible({
        timeout: 60_000,
      });
      await expectSecretKept(page, request, body);
      // One repository with one commit on the local git remote.
      expect(commits(name, 'main')).toEqual(['Initial commit']);

      await page.getByRole('link', { name: 'Open in catalog' }).click();
      await expect(page.getByRole('heading', { name })).toBeVisible({
        timeout: 30_000,
      });
      // Owner left empty in the form: the default-owner decorator made the user's squad the owner.
      await expect(
        page.getByRole('link', { name: 'Checkout Squad' }).first(),
      ).toBeVisible();
    });
  }

  test('Import an existing repository: opens a change adding catalog-info.yaml', async ({
    page,
    request,
  }) => {
    // A repository to import: the library the previous test published.
    const repo = `e2e-lib-${runId}`;
    const body = await runTemplate(
      page,
      { name: 'import-repository', title: 'Import an existing repository' },
      {
        Repository: repo,
        'Component name': `${repo}-imported`,
      },
    );
    await expect(
      page.getByRole('link', { name: 'Change (pull request)' }),
    ).toBeVisible({ timeout: 60_000 });
    await expectSecretKept(page, request, body);
    expect(commits(repo, 'backstage-integration')[0]).toBe(
      `Add catalog-info.yaml for ${repo}-imported`,
    );
  });
});

test('a template run with invalid parameters is refused with what is wrong', async ({
  request,
}) => {
  const headers = { Authorization: `Bearer ${await guestToken(request)}` };
  const res = await request.post(
    'http://localhost:7007/api/scaffolder/v2/tasks',
    {
      headers,
      data: {
        templateRef: 'template:default/node-service',
        values: { name: 'Not Valid!', description: 'x' },
      },
    },
  );
  expect(res.status()).toBe(400);
  const messages = (await res.json()).errors.map(
    (e: { stack: string }) => e.stack,
  );
  expect(messages).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/instance.name does not match pattern/),
      expect.stringMatching(
        /instance.description does not meet minimum length/,
      ),
    ]),
  );
});
