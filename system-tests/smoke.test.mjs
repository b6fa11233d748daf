// The built backend (yarn build:backend) started twice, as it runs in production and in development, checked for
// what a user relies on:
//  1. production config on the real local PostgreSQL (a throwaway database): ready, serves the built frontend at /,
//     serves the sample catalog (but not the sample org) to an authenticated caller, refuses an unauthenticated
//     request (401) and offers no guest provider (404);
//  2. development config (SQLite in a throwaway folder): the guest can sign in and read the catalog and the org.
// Usage: flock /tmp/backstage-build.lock node --test --test-reporter=spec system-tests/smoke.test.mjs
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  freePort,
  guestToken,
  logTailOnFailure,
  onExit,
  productionEnv,
  startBackend,
  storedEntityCount,
  throwawayDatabase,
  unpackBundle,
  waitFor,
  waitReady,
} from './lib/backend.mjs';

const GOLDEN_PATHS = [
  'bump-node-version',
  'import-repository',
  'node-service',
  'typescript-library',
  'website',
];

let bundle;
let keepBundle;
let base;
let port;
let backend; // the one being checked: waits stop when it exits, its log tail goes with a failure
before(async () => {
  // A port the kernel says is free: a running `yarn dev` or another test run cannot answer in the backend's place.
  port = await freePort();
  base = `http://localhost:${port}`;
  bundle = unpackBundle();
  keepBundle = onExit(bundle.remove); // also when interrupted
});
after(() => {
  bundle?.remove();
  keepBundle?.();
});
afterEach(logTailOnFailure(() => backend));

const get = (url, token) =>
  fetch(base + url, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
const json = async (url, token) => (await get(url, token)).json();

/** Waits until `name` is in the catalog for `token`; true then. */
const catalogHas = (token, name) =>
  waitFor(
    `${name} in the catalog`,
    async () =>
      (
        await get(
          `/api/catalog/entities/by-name/component/default/${name}`,
          token,
        )
      ).ok,
    { timeoutMs: 120_000, backend },
  );

describe('production config on PostgreSQL', () => {
  const ciToken = `smoke-${process.pid}-${Date.now()}`;
  let db;
  before(async () => {
    db = await throwawayDatabase('backstage_smoke');
    // In the unpacked bundle, so it goes with it. One database with a schema per plugin: one database to drop.
    const override = path.join(bundle.dir, 'app-config.smoke.yaml');
    writeFileSync(
      override,
      `backend:\n  listen: ':${port}'\n  database:\n    pluginDivisionMode: schema\n    connection:\n      database: ${db.name}\n`,
    );
    backend = startBackend({
      bundleDir: bundle.dir,
      name: 'production',
      cwd: bundle.dir,
      configs: ['app-config.yaml', 'app-config.production.yaml', override],
      env: productionEnv({ base, ciToken }),
    });
    await waitReady(base, backend);
  });
  after(async () => {
    await backend?.stop();
    await db?.drop();
  });

  test('ready on PostgreSQL', async () => {
    assert.equal((await get('/.backstage/health/v1/readiness')).status, 200);
  });

  test('the built frontend is served at /', async () => {
    const index = await get('/');
    assert.equal(index.status, 200);
    assert.match(await index.text(), /<div id="root">/);
  });

  test('an unauthenticated catalog request is refused with 401', async () => {
    assert.equal((await get('/api/catalog/entities?limit=1')).status, 401);
  });

  test("guest sign-in is not offered (404 No auth provider registered for 'guest')", async () => {
    // Not a refusal but an absence: production configures no guest provider, so the auth plugin has none to offer.
    const guest = await fetch(`${base}/api/auth/guest/refresh?env=production`, {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    });
    const body = await guest.text();
    assert.equal(guest.status, 404, body.slice(0, 200));
    assert.match(body, /NotFoundError.*auth provider registered for 'guest'/);
  });

  test('the sample catalog is served to an authenticated caller (CI token)', async () => {
    assert.equal(await catalogHas(ciToken, 'checkout-service'), true);
  });

  test('the sample org is not loaded (no tribe, no location target is an org file)', async t => {
    // Production's org comes from GitHub alone (catalog.providers.githubOrg; none reachable here): the sample org
    // files are development-only, so a sample user can never sign in to production. The configured locations are
    // Location entities from start-up on (checkout-service came through one), so none may point at them.
    const groups = await get(
      '/api/catalog/entities/by-query?filter=kind=group,spec.type=tribe',
      ciToken,
    );
    assert.equal(groups.status, 200);
    const tribes = (await groups.json()).items;
    const locations = await json(
      '/api/catalog/entities/by-query?filter=kind=location&fields=spec',
      ciToken,
    );
    const targets = (locations.items ?? []).flatMap(l => [
      ...(l.spec.target ? [l.spec.target] : []),
      ...(l.spec.targets ?? []),
    ]);
    t.diagnostic(`${tribes.length} tribes, ${targets.length} location targets`);
    assert.equal(tribes.length, 0);
    assert.ok(targets.length > 0, 'no location targets at all');
    assert.deepEqual(
      targets.filter(x => /catalog\/org\//.test(x)),
      [],
      'location targets that are org files',
    );
  });

  test('the catalog is stored in PostgreSQL', async t => {
    const n = await storedEntityCount(db.name);
    t.diagnostic(`${n} entities in ${db.name}`);
    assert.ok(n > 20, `only ${n} entities stored`);
  });
});

describe('development config on SQLite', () => {
  let dataDir;
  let token;
  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'smoke-data-'));
    onExit(() => rmSync(dataDir, { recursive: true, force: true }));
    // The dev config listens on 7007; this moves it off the developer's port.
    const override = path.join(dataDir, 'app-config.smoke.yaml');
    writeFileSync(
      override,
      `backend:\n  baseUrl: ${base}\n  listen:\n    port: ${port}\n`,
    );
    // In development the backend runs from packages/backend, which the dev config's relative paths expect.
    backend = startBackend({
      bundleDir: bundle.dir,
      name: 'development',
      cwd: path.join(bundle.dir, 'packages/backend'),
      configs: ['../../app-config.yaml', override],
      env: { NODE_ENV: 'development', BACKSTAGE_DATA_DIR: dataDir },
    });
    await waitReady(base, backend);
  });
  after(async () => {
    await backend?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('the guest can sign in', async () => {
    token = await guestToken(base);
    assert.ok(token, 'no guest token');
  });

  test('the guest reads the catalog', async () => {
    assert.equal(await catalogHas(token, 'checkout-service'), true);
  });

  test('the sample org is in the catalog', async t => {
    const tribes = await waitFor(
      'the sample org',
      async () => {
        const n =
          (
            await json(
              '/api/catalog/entities/by-query?filter=kind=group,spec.type=tribe',
              token,
            )
          ).items?.length ?? 0;
        return n >= 2 ? n : undefined;
      },
      { backend },
    ).catch(() => 0);
    t.diagnostic(`${tribes} tribes`);
    assert.ok(tribes >= 2, `${tribes} tribes`);
  });

  test('the broken entity file is reported in the log', async () => {
    // catalog/broken/invalid-entity.yaml is registered on purpose: it must be reported, and the rest must load.
    const reported = await waitFor(
      'the broken entity file to be reported',
      async () =>
        backend.log.find(
          l => l.includes('invalid-entity.yaml') && /not valid/.test(l),
        ),
      { backend },
    );
    assert.ok(reported);
  });

  test('every valid component loaded beside it', async t => {
    // Processing goes on after the first entities appear (slowly on a busy machine): wait for all of them.
    const componentCount = async () =>
      (
        await json('/api/catalog/entity-facets?facet=kind', token)
      ).facets.kind.find(f => f.value === 'Component')?.count ?? 0;
    await waitFor(
      'every valid component',
      async () => (await componentCount()) >= 12,
      { timeoutMs: 60_000, backend },
    ).catch(() => undefined);
    const components = await componentCount();
    t.diagnostic(`${components} components`);
    assert.ok(components >= 12, `${components} components`);
  });

  test('the malformed template file is reported in the log', async () => {
    // templates/broken/malformed-template.yaml is malformed on purpose: reported, and the golden paths still load.
    const reported = await waitFor(
      'the malformed template to be reported',
      async () =>
        backend.log.find(l => l.includes('broken/malformed-template.yaml')),
      { backend },
    ).catch(() => undefined);
    assert.ok(reported, 'not reported');
  });

  test('the golden-path templates loaded beside it', async t => {
    const templates = await json(
      '/api/catalog/entities/by-query?filter=kind=template',
      token,
    );
    const names = templates.items.map(x => x.metadata.name).sort();
    t.diagnostic(names.join(', '));
    assert.deepEqual(
      GOLDEN_PATHS.filter(n => !names.includes(n)),
      [],
      'golden paths missing',
    );
  });
});
