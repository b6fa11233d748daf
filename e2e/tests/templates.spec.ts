import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { APIRequestContext, expect, Page, test } from '@playwright/test';
import { firstLoad, guestToken } from './helpers';

// The portal's data folder, chosen by playwright.config.ts (always set there).
const dataDir = process.env.BACKSTAGE_DATA_DIR!;
// Unique names per run: a second run on the same data folder must not collide with the first one's repositories.
const runId = `${Date.now().toString(36)}${Math.random()
  .toString(36)
  .slice(2, 6)}`;

/** Commits of a branch of a repository on the local git remotes. */
function commits(repo: string, branch: string) {
  return execFileSync('git', ['log', '--format=%s', branch], {
    cwd: path.join(dataDir, 'git', `${repo}.git`),
  })
    .toString()
    .trim()
    .split('\n');
}

/** A repository on the local git remotes with one commit on main, as a team's existing project would be. */
function createExistingRepository(name: string) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-existing-'));
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, { cwd, stdio: 'pipe' });
  try {
    git(work, 'init', '--quiet', '--initial-branch=main');
    fs.writeFileSync(path.join(work, 'README.md'), `# ${name}\n`);
    git(work, 'add', 'README.md');
    git(
      work,
      '-c',
      'user.name=e2e',
      '-c',
      'user.email=e2e@example.com',
      'commit',
      '--quiet',
      '-m',
      'Existing project',
    );
    git(
      work,
      'clone',
      '--quiet',
      '--bare',
      work,
      path.join(dataDir, 'git', `${name}.git`),
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
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
  await expect(page.getByText(template.title, { exact: true })).toBeVisible(
    firstLoad,
  );
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
  request: APIRequestContext,
  body: { values: object; secrets?: Record<string, string> },
  templateName: string,
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
  // What is scanned must be the task itself, not an error page that could never contain the token.
  expect(events.status()).toBe(200);
  const eventTypes = (await events.json()).map((e: { type: string }) => e.type);
  expect(eventTypes).toContain('log');
  expect(eventTypes).toContain('completion');
  expect(task.status()).toBe(200);
  const taskBody = await task.json();
  expect(taskBody.id).toBe(taskId);
  expect(taskBody.status).toBe('completed');
  expect(taskBody.spec.templateInfo.entityRef).toBe(
    `template:default/${templateName}`,
  );

  expect(await events.text()).not.toContain(token!);
  expect(await task.text()).not.toContain(token!);
}

test.describe('golden-path templates', () => {
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
      // The scaffolder task runs its steps (template, git init/commit/clone, catalog registration) first.
      await expect(page.getByRole('link', { name: 'Repository' })).toBeVisible({
        timeout: 60_000,
      });
      await expectSecretKept(page, request, body, template);
      // One repository with one commit on the local git remote.
      expect(commits(name, 'main')).toEqual(['Initial commit']);

      await page.getByRole('link', { name: 'Open in catalog' }).click();
      // The entity page waits for the catalog to process the newly registered location.
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
    // A repository to import, made by this test (not by another test that may not have run).
    const repo = `e2e-existing-${runId}`;
    createExistingRepository(repo);
    const body = await runTemplate(
      page,
      { name: 'import-repository', title: 'Import an existing repository' },
      {
        Repository: repo,
        'Component name': `${repo}-imported`,
      },
    );
    // The scaffolder task runs its steps (template, clone, branch, commit, push) first.
    await expect(
      page.getByRole('link', { name: 'Change (pull request)' }),
    ).toBeVisible({ timeout: 60_000 });
    await expectSecretKept(page, request, body, 'import-repository');
    expect(commits(repo, 'backstage-integration')).toEqual([
      `Add catalog-info.yaml for ${repo}-imported`,
      'Existing project',
    ]);
    expect(commits(repo, 'main')).toEqual(['Existing project']);
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
