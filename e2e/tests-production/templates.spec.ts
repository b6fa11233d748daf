import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import path from 'path';
import { Page } from '@playwright/test';
import { parse } from 'yaml';
import { githubSignIn } from './github-sign-in';
import {
  backendUrl,
  clickGithubSignIn,
  expect,
  standinUrl,
  test,
} from './fixtures';

/**
 * The golden paths under production config publish to GitHub (the stand-in) with the user's own GitHub token,
 * which the publish-token form decorator asks for (scope `repo`: Backstage's "Login Required" dialog, then GitHub's
 * consent popup) and hands to the task as a secret.
 */
const runId = Date.now().toString(36);

type Submitted = {
  values: Record<string, unknown>;
  secrets?: Record<string, string>;
};

/** Fills the template's first page, creates, approves the `repo` scope in the popup; returns what was submitted. */
async function runTemplate(
  page: Page,
  name: string,
  fields: Record<string, string>,
) {
  await page.goto(`${backendUrl()}/create/templates/default/${name}`);
  for (const [label, value] of Object.entries(fields)) {
    await page.getByLabel(label, { exact: false }).first().fill(value);
  }
  await page.getByRole('button', { name: 'Review' }).click();
  const submitted = page.waitForRequest(
    r => r.method() === 'POST' && /\/api\/scaffolder\/v2\/tasks$/.test(r.url()),
  );
  await page.getByRole('button', { name: 'Create' }).click();
  // Signing in asked GitHub for `read:user` only: Backstage asks before opening GitHub's consent for `repo`.
  const dialog = page.getByRole('dialog', { name: 'Login Required' });
  await expect(dialog.getByText('GitHub', { exact: true })).toBeVisible();
  const consent = page.waitForEvent('popup');
  await dialog.getByRole('button', { name: 'Log in' }).click();
  const popup = await consent;
  await popup.getByLabel('Username or email address').fill('bob');
  await popup.getByRole('button', { name: 'Authorize' }).click();
  return (await submitted).postDataJSON() as Submitted;
}

const standinState = async () =>
  (await fetch(`${standinUrl()}/_standin/state`)).json();

/** The user's token went to GitHub as the task's secret, and nowhere else: not in values, URL, task, log. */
async function expectTokenOnlyUsedAsSecret(page: Page, body: Submitted) {
  const token = body.secrets?.publishToken;
  expect(token, 'the publish-token decorator set a secret').toMatch(/^gho_/);
  expect(JSON.stringify(body.values)).not.toContain(token);
  expect(page.url()).not.toContain(token!);
  const taskId = page.url().match(/\/tasks\/([\w-]+)/)?.[1];
  const { token: bob } = await githubSignIn(backendUrl(), 'bob');
  const headers = { Authorization: `Bearer ${bob}` };
  const task = await fetch(
    `${backendUrl()}/api/scaffolder/v2/tasks/${taskId}`,
    { headers },
  );
  const events = await fetch(
    `${backendUrl()}/api/scaffolder/v2/tasks/${taskId}/events`,
    { headers },
  );
  expect(task.status).toBe(200);
  expect(events.status).toBe(200);
  const taskText = await task.text();
  expect(JSON.parse(taskText).status).toBe('completed');
  const eventsText = await events.text();
  expect(eventsText).toContain('"completion"');
  expect(taskText).not.toContain(token!);
  expect(eventsText).not.toContain(token!);
  // The backend's own log (flushed every second by the global setup).
  await new Promise(r => setTimeout(r, 1500));
  const log = readFileSync(process.env.PROD_E2E_BACKEND_LOG!, 'utf8');
  expect(log).toContain(taskId!);
  expect(log).not.toContain(token!);
  // GitHub saw the user's token (not the integration's) on the writes.
  const { requests } = await standinState();
  // (REST writes and git pushes; the OAuth form posts carry no token.)
  const writes = requests.filter(
    (r: { method: string; path: string }) =>
      r.method !== 'GET' &&
      (r.path.startsWith('/api/') || r.path.endsWith('/git-receive-pack')),
  );
  expect(writes.length).toBeGreaterThan(0);
  for (const w of writes)
    expect(w, `${w.method} ${w.path}`).toMatchObject({ token });
  return token!;
}

// A template run waits for the catalog to process what it registered: slow on a busy machine.
test.describe.configure({ timeout: 180_000 });

test.beforeEach(async ({ page }) => {
  await clickGithubSignIn(page, 'bob');
  await expect(
    page.getByText('Sign in using your GitHub account'),
  ).toBeHidden();
});

test('the service template publishes to GitHub with branch protection and registers the component', async ({
  page,
}) => {
  const name = `prod-svc-${runId}`;
  const body = await runTemplate(page, 'node-service', {
    Name: name,
    Description: 'Made by the production e2e test',
  });
  await expect(page.getByRole('link', { name: 'Repository' })).toBeVisible({
    timeout: 120_000,
  });
  await expectTokenOnlyUsedAsSecret(page, body);

  const { repos, pushes } = await standinState();
  const repo = repos[`example-org/${name}`];
  expect(repo).toMatchObject({
    visibility: 'internal',
    has_wiki: false,
    default_branch: 'main',
  });
  expect(
    repo.branchProtection.main.required_pull_request_reviews,
  ).toMatchObject({
    required_approving_review_count: 2,
  });
  expect(pushes.map((p: { repo: string }) => p.repo)).toContain(
    `example-org/${name}`,
  );
  const files = execFileSync('git', ['ls-tree', '-r', '--name-only', 'main'], {
    cwd: path.join(
      process.env.PROD_E2E_STANDIN_DATA!,
      'repos/example-org',
      `${name}.git`,
    ),
  }).toString();
  expect(files).toContain('catalog-info.yaml');

  await page.getByRole('link', { name: 'Open in catalog' }).click();
  await expect(page.getByRole('heading', { name })).toBeVisible({
    timeout: 30_000,
  });
  // Owner left empty: the default-owner decorator made bob's GitHub team the owner.
  await expect(
    page.getByRole('link', { name: 'Checkout Squad' }).first(),
  ).toBeVisible();
});

test('the import template opens a pull request adding catalog-info.yaml', async ({
  page,
}) => {
  const body = await runTemplate(page, 'import-repository', {
    Repository: 'legacy-billing',
    'Component name': `legacy-billing-${runId}`,
  });
  await expect(
    page.getByRole('link', { name: 'Change (pull request)' }),
  ).toBeVisible({
    timeout: 120_000,
  });
  await expectTokenOnlyUsedAsSecret(page, body);
  const { pulls } = await standinState();
  expect(pulls).toEqual([
    expect.objectContaining({
      owner: 'example-org',
      repo: 'legacy-billing',
      base: 'main',
      head: 'backstage-integration',
      state: 'open',
      title: `Add catalog-info.yaml for legacy-billing-${runId}`,
    }),
  ]);
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: path.join(
        process.env.PROD_E2E_STANDIN_DATA!,
        'repos/example-org/legacy-billing.git',
      ),
    }).toString();
  expect(
    git('diff', '--name-only', 'main', 'backstage-integration').trim(),
  ).toBe('catalog-info.yaml');
  expect(
    parse(git('show', 'backstage-integration:catalog-info.yaml')),
  ).toMatchObject({
    kind: 'Component',
    metadata: { name: `legacy-billing-${runId}` },
    // Owner left empty: bob's GitHub team.
    spec: { owner: 'group:default/checkout' },
  });
});
