import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { APIRequestContext, expect, test } from '@playwright/test';
import { ciHeaders, firstLoad, guestToken } from './helpers';

/*
 * The fix flow of a tech migration, end to end on the development config: a component still on Node 18 is offered
 * "Fix with template" by the Node 22 migration; the template opens a change on the local git remote; the change is
 * merged; CI, building the merged main, reports the Node version it built with as a fact; the component then counts
 * as done on the leaderboard. This spec makes its own repository and component (unique per run) and reads the
 * counts it compares right before and after the one change it makes.
 */

const backend = 'http://localhost:7007';
const api = `${backend}/api/tech-migrations`;
// The portal's data folder, chosen by playwright.config.ts (always set there).
const dataDir = process.env.BACKSTAGE_DATA_DIR!;
const runId = `${Date.now().toString(36)}${Math.random()
  .toString(36)
  .slice(2, 6)}`;
const name = `e2e-fix-${runId}`;
const entityRef = `component:default/${name}`;
const bareRepo = () => path.join(dataDir, 'git', `${name}.git`);

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, stdio: 'pipe' }).toString();
/** A file of a branch of the repository on the local git remote. */
const show = (ref: string, file: string) =>
  git(bareRepo(), 'show', `${ref}:${file}`);

/** The repository of a TypeScript service still on Node 18, with its catalog file, on the local git remote. */
function createRepository() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-fix-'));
  try {
    const files: Record<string, string> = {
      'catalog-info.yaml': [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata:',
        `  name: ${name}`,
        '  description: A service on Node 18, made by the migration-fix e2e test',
        '  tags: [typescript]',
        'spec:',
        '  type: service',
        '  lifecycle: production',
        '  owner: group:default/checkout-squad',
        '',
      ].join('\n'),
      '.nvmrc': '18\n',
      'package.json': `${JSON.stringify(
        { name, private: true, engines: { node: '>=18' } },
        null,
        2,
      )}\n`,
      Dockerfile:
        'FROM node:18-alpine\nWORKDIR /app\nCOPY . .\nCMD ["node", "index.js"]\n',
    };
    git(work, 'init', '--quiet', '--initial-branch=main');
    for (const [file, text] of Object.entries(files)) {
      fs.writeFileSync(path.join(work, file), text);
    }
    git(work, 'add', '--all');
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
    git(work, 'clone', '--quiet', '--bare', work, bareRepo());
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function userHeaders(request: APIRequestContext) {
  return { Authorization: `Bearer ${await guestToken(request)}` };
}

async function getJson(request: APIRequestContext, url: string) {
  const res = await request.get(url, { headers: await userHeaders(request) });
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

async function statusOf(request: APIRequestContext) {
  const { entities } = await getJson(
    request,
    `${api}/migrations/node-22/entities`,
  );
  return (entities as { entityRef: string; status: string }[]).find(
    e => e.entityRef === entityRef,
  )?.status;
}

type Team = {
  teamRef: string;
  done: number;
  remaining: number;
  percent: number;
};
async function checkoutSquad(request: APIRequestContext): Promise<Team> {
  const { tribes } = await getJson(
    request,
    `${api}/migrations/node-22/leaderboard`,
  );
  const squad = (tribes as { squads: Team[] }[])
    .flatMap(t => t.squads)
    .find(s => s.teamRef === 'group:default/checkout-squad');
  expect(squad).toBeTruthy();
  return squad!;
}

test('a remaining component is fixed with the migration template: change, merge, CI fact, done on the leaderboard', async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  createRepository();
  const registered = await request.post(`${backend}/api/catalog/locations`, {
    headers: await userHeaders(request),
    data: {
      type: 'url',
      target: `https://git.localhost/${name}/blob/main/catalog-info.yaml`,
    },
  });
  expect(registered.status(), await registered.text()).toBe(201);
  // The catalog processes the new location (and, on a fresh start, the template files) on its own schedule:
  // evaluate until the component is in the migration and the migration offers its template.
  await expect
    .poll(
      async () => {
        const res = await request.post(`${api}/evaluate`, {
          headers: ciHeaders(),
        });
        expect(res.status()).toBe(200);
        const { errors } = await res.json();
        const { migration } = await getJson(
          request,
          `${api}/migrations/node-22`,
        );
        return {
          status: await statusOf(request),
          fixTemplate: migration.fixTemplate,
          errors: (errors as { file: string; message: string }[])
            .filter(e => e.file === 'node-22.yaml')
            .map(e => e.message),
        };
      },
      { timeout: 90_000, intervals: [1000, 2000, 5000] },
    )
    .toEqual({
      status: 'remaining',
      fixTemplate: 'template:default/bump-node-version',
      errors: [],
    });

  // The remaining-entities list of the migration offers the fix for this component.
  await page.goto('/tech-migrations/node-22');
  await expect(page.getByRole('heading', { name: 'Node 22' })).toBeVisible(
    firstLoad,
  );
  await page.getByPlaceholder('Filter').fill(name);
  await page
    .getByRole('button', { name: `Fix with template: ${name}` })
    .click();

  // The template's page, the component filled in from the link.
  await expect(page).toHaveURL(
    /\/create\/templates\/default\/bump-node-version\?formData=/,
  );
  await expect(
    page.getByRole('heading', { name: 'Bump the Node.js version' }),
  ).toBeVisible(firstLoad);
  await page.getByRole('button', { name: 'Review' }).click();
  const submitted = page.waitForRequest(
    r => r.method() === 'POST' && /\/api\/scaffolder\/v2\/tasks$/.test(r.url()),
  );
  await page.getByRole('button', { name: 'Create' }).click();
  const body = (await submitted).postDataJSON();
  expect(body.values).toEqual({ entity: entityRef, nodeVersion: 22 });
  await expect(
    page.getByRole('link', { name: 'Change (pull request)' }),
  ).toBeVisible({
    timeout: 90_000,
  });
  // The publish token travelled as a secret only.
  const token = body.secrets?.publishToken;
  expect(token).toBeTruthy();
  const taskId = page.url().match(/\/tasks\/([\w-]+)/)?.[1];
  const events = await request.get(
    `${backend}/api/scaffolder/v2/tasks/${taskId}/events`,
    {
      headers: await userHeaders(request),
    },
  );
  expect(events.status()).toBe(200);
  expect(await events.text()).not.toContain(token);

  // The change: a branch with one commit bumping the three files; main untouched until it is merged.
  expect(
    git(bareRepo(), 'log', '--format=%s', 'bump-node-22').trim().split('\n'),
  ).toEqual(['Bump Node.js to 22', 'Existing project']);
  expect(show('bump-node-22', '.nvmrc')).toBe('22\n');
  expect(JSON.parse(show('bump-node-22', 'package.json')).engines).toEqual({
    node: '>=22',
  });
  expect(show('bump-node-22', 'Dockerfile')).toMatch(/^FROM node:22-alpine\n/);
  expect(show('main', '.nvmrc')).toBe('18\n');
  expect(await statusOf(request)).toBe('remaining');

  // A reviewer merges the change (fast-forward of main), and CI builds main: it reports the Node version the
  // repository now pins, as pipelines do (POST /facts with the CI token), read from the merged .nvmrc.
  const main = git(bareRepo(), 'rev-parse', 'main').trim();
  git(
    bareRepo(),
    'update-ref',
    'refs/heads/main',
    'refs/heads/bump-node-22',
    main,
  );
  const builtWith = show('main', '.nvmrc').trim().replace(/^v/, '');
  expect(builtWith).toBe('22');

  // Everything evaluated before the one change this test makes, so the difference is the fact alone.
  expect(
    (await request.post(`${api}/evaluate`, { headers: ciHeaders() })).status(),
  ).toBe(200);
  const before = await checkoutSquad(request);
  const pushed = await request.post(`${api}/facts`, {
    headers: ciHeaders(),
    data: { entities: [{ entityRef, facts: { nodeVersion: builtWith } }] },
  });
  expect(pushed.status(), await pushed.text()).toBe(200);
  expect(await statusOf(request)).toBe('done');
  const after = await checkoutSquad(request);
  expect({ done: after.done, remaining: after.remaining }).toEqual({
    done: before.done + 1,
    remaining: before.remaining - 1,
  });

  // The leaderboard shows the squad's new percentage; the entity card says done and offers no fix any more.
  await page.goto('/tech-migrations/node-22');
  await page.getByRole('button', { name: 'Expand Payments Tribe' }).click();
  await expect(page.getByTestId('percent-checkout-squad')).toHaveText(
    `${Math.round(after.percent)}%`,
    firstLoad,
  );
  await page.goto(`/catalog/default/component/${name}`);
  await expect(page.getByTestId('entity-migration-status-node-22')).toHaveText(
    'done',
    firstLoad,
  );
  await expect(
    page.getByRole('button', { name: /Fix with template/ }),
  ).toHaveCount(0);
});
