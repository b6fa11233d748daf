// TechDocs in development, as `./scripts/dev.sh` runs it: the built backend with the development config (SQLite and
// published sites in a throwaway folder) and `mkdocs` from the project-local toolchain (.tools/bin, written by
// scripts/bootstrap.sh: Debian's mkdocs plus tools/mkdocs-techdocs-core). Driven over the HTTP API the Docs tab uses:
//  1. the sample docs build on first view (GET /api/techdocs/sync/...: event `finish`) and are served (static
//     pages, techdocs_metadata.json with the site name and description, search/search_index.json);
//  2. a component whose mkdocs.yml is broken streams event `error` with the parser's message, has no site (404),
//     and the other docs still build; the backend stays ready and the techdocs circuit breaker closed;
//  3. the portal's search finds built docs pages by title and by body text (the techdocs collator).
// The collator's schedule is shortened here (every 5 s instead of the development config's minute) so the test does
// not wait for a whole cycle.
// Usage: flock /tmp/backstage-build.lock node --test --test-reporter=spec system-tests/techdocs-dev.test.mjs
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import {
  freePort,
  guestToken,
  logTailOnFailure,
  onExit,
  root,
  startBackend,
  unpackBundle,
  waitFor,
  waitReady,
} from './lib/backend.mjs';

const mkdocsBin = path.join(root, '.tools/bin');

let bundle;
let dataDir;
let base;
let backend;
let token;
before(async () => {
  assert.ok(
    existsSync(path.join(mkdocsBin, 'mkdocs')),
    '.tools/bin/mkdocs is missing: run ./scripts/bootstrap.sh',
  );
  const port = await freePort();
  base = `http://localhost:${port}`;
  bundle = unpackBundle();
  dataDir = mkdtempSync(path.join(tmpdir(), 'techdocs-dev-'));
  onExit(() => {
    bundle.remove();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const override = path.join(dataDir, 'app-config.techdocs.yaml');
  writeFileSync(
    override,
    `backend:\n  baseUrl: ${base}\n  listen:\n    port: ${port}\n` +
      'search:\n  collators:\n    techdocs:\n      schedule:\n' +
      '        frequency: { seconds: 5 }\n        timeout: { minutes: 2 }\n        initialDelay: { seconds: 3 }\n' +
      '        scope: local\n',
  );
  backend = startBackend({
    bundleDir: bundle.dir,
    name: 'development',
    cwd: path.join(bundle.dir, 'packages/backend'),
    configs: ['../../app-config.yaml', override],
    // As scripts/dev.sh has it (scripts/env.sh): the project-local tools first on PATH.
    env: {
      NODE_ENV: 'development',
      BACKSTAGE_DATA_DIR: dataDir,
      PATH: `${mkdocsBin}:${process.env.PATH}`,
    },
  });
  await waitReady(base, backend);
  token = await guestToken(base);
  await waitFor(
    'the documented entities in the catalog',
    async () => {
      for (const ref of [
        'component/default/payments-service',
        'component/default/broken-docs-example',
        'domain/default/commerce',
      ])
        if (!(await get(`/api/catalog/entities/by-name/${ref}`)).ok)
          return false;
      return true;
    },
    { timeoutMs: 120_000, backend },
  );
});
after(async () => {
  await backend?.stop();
  bundle?.remove();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});
afterEach(logTailOnFailure(() => backend));

const get = url =>
  fetch(base + url, { headers: { Authorization: `Bearer ${token}` } });

/** The Docs tab's build request: the server-sent events of one sync, as [{ event, data }]. */
async function sync(ref) {
  const res = await get(`/api/techdocs/sync/default/${ref}`);
  assert.equal(res.status, 200, `sync ${ref}: ${res.status}`);
  return (await res.text())
    .split('\n\n')
    .filter(Boolean)
    .map(block => {
      const event = block.match(/^event: (.*)$/m)?.[1];
      const data = block.match(/^data: (.*)$/m)?.[1];
      return { event, data: data && JSON.parse(data) };
    });
}
const outcome = events => events.find(e => e.event !== 'log');

const page = async (ref, file) => {
  const res = await get(`/api/techdocs/static/docs/default/${ref}/${file}`);
  return { status: res.status, text: await res.text() };
};

test("a component's docs build on first view and are served", async t => {
  const started = Date.now();
  const events = await sync('component/payments-service');
  t.diagnostic(
    `first docs build of payments-service: ${Date.now() - started} ms`,
  );
  assert.deepEqual(outcome(events), {
    event: 'finish',
    data: { updated: true },
  });

  const index = await page('component/payments-service', 'index.html');
  assert.equal(index.status, 200);
  assert.match(index.text, /turns a checkout into money moved/);
  // The admonition extension techdocs-core turns on rendered the note.
  assert.match(index.text, /class="admonition note"/);
  const runbook = await page(
    'component/payments-service',
    'runbook/index.html',
  );
  assert.equal(runbook.status, 200);
  assert.match(runbook.text, /PSP timeout storm/);

  const metadata = await (
    await get(
      '/api/techdocs/metadata/techdocs/default/component/payments-service',
    )
  ).json();
  assert.equal(metadata.site_name, 'payments-service');
  assert.equal(
    metadata.site_description,
    'Creates and captures payments against external payment providers.',
  );
  assert.ok(metadata.files.includes('search/search_index.json'));
});

test('the system and domain docs build too', async () => {
  for (const ref of ['system/payments-core', 'domain/commerce']) {
    assert.deepEqual(outcome(await sync(ref)), {
      event: 'finish',
      data: { updated: true },
    });
    assert.equal((await page(ref, 'runbook/index.html')).status, 200, ref);
  }
});

test('a broken mkdocs.yml shows its build error; other docs and the backend are unaffected', async () => {
  const events = await sync('component/broken-docs-example');
  const error = outcome(events);
  assert.equal(error.event, 'error');
  // The YAML parser's own message, with the line and column of the mistake.
  assert.match(error.data, /bad indentation of a sequence entry \(5:4\)/);
  assert.equal(
    (await page('component/broken-docs-example', 'index.html')).status,
    404,
  );
  // Asked again (the Docs tab retries on every visit): the same answer, no crash, no breaker trip.
  for (let i = 0; i < 10; i++)
    assert.equal(
      outcome(await sync('component/broken-docs-example')).event,
      'error',
    );

  assert.deepEqual(outcome(await sync('component/storefront-web')), {
    event: 'finish',
    data: { updated: true },
  });
  assert.equal(
    (await fetch(`${base}/.backstage/health/v1/readiness`)).status,
    200,
  );
  const status = await (await get('/api/circuit-breaker/status')).json();
  const techdocs = status.plugins.find(p => p.pluginId === 'techdocs');
  assert.equal(techdocs?.state, 'closed', JSON.stringify(techdocs));
});

test('search finds built docs pages by title and by body text', async t => {
  const search = async term => {
    const res = await get(
      `/api/search/query?term=${encodeURIComponent(
        term,
      )}&types%5B0%5D=techdocs`,
    );
    return res.ok ? (await res.json()).results : [];
  };
  // By title: the ADR's page title.
  const byTitle = await waitFor(
    'the payments-service ADR in the search index',
    async () =>
      (
        await search('idempotency keys')
      ).find(
        r =>
          r.document.location ===
          '/docs/default/component/payments-service/adr/0001-idempotency-keys/',
      ),
    { timeoutMs: 150_000, backend },
  );
  assert.equal(
    byTitle.document.title,
    'ADR 0001: Idempotency keys on every write',
  );
  assert.equal(byTitle.document.kind, 'component');
  // By body text only: a word of the payments-core system's runbook that no page title has. The system's docs were
  // built by the previous test, maybe after the collator's last run (every 5 s): wait for the next one too.
  const runbook = '/docs/default/system/payments-core/runbook/';
  const byBody = await waitFor(
    'the payments-core runbook in the search index by body text',
    async () => {
      const found = (await search('settlement')).map(r => r.document.location);
      return found.includes(runbook) ? found : undefined;
    },
    { timeoutMs: 150_000, backend },
  );
  t.diagnostic(`"settlement" found at ${byBody.join(', ')}`);
  // The broken component has no site, so nothing of it is indexed.
  assert.deepEqual(
    (await search('broken')).filter(
      r => r.document.name === 'broken-docs-example',
    ),
    [],
  );
});
