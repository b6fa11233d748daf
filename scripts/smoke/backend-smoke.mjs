// Starts the built backend (yarn build:backend) twice, as it runs in production and in development, and checks
// what a user relies on:
//  1. production config on the real local PostgreSQL (a throwaway database per run): ready, serves the built
//     frontend at /, serves the sample catalog (but not the sample org) to an authenticated caller, refuses an
//     unauthenticated request (401) and offers no guest provider (404);
//  2. development config (SQLite in a throwaway folder): the guest can sign in and read the catalog and the org.
// Exits non-zero with the backend's log tail on the first failed check.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  guestToken,
  productionEnv,
  startBackend,
  unpackBundle,
  waitFor as waitForBackend,
} from '../lib/built-backend.mjs';
import { dropDatabaseSync, freePort, onExit } from '../lib/processes.mjs';

// A port the kernel says is free: a running `yarn dev` or another test run cannot answer in the backend's place.
const port = await freePort();
const base = `http://localhost:${port}`;
const ciToken = `smoke-${process.pid}-${Date.now()}`;
let failures = 0;
let running; // the backend being checked, so waits stop when it exits
const bundle = unpackBundle();
onExit(bundle.remove); // also when interrupted
const workdir = bundle.dir;

function check(ok, what, detail = '') {
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${what}${ok || !detail ? '' : `: ${detail}`}`,
  );
  if (!ok) failures++;
}

const waitFor = (what, fn, timeoutMs) =>
  waitForBackend(what, fn, { timeoutMs, backend: running });

async function ready() {
  await waitFor(
    'readiness',
    async () => (await fetch(`${base}/.backstage/health/v1/readiness`)).ok,
  );
}

async function catalogHas(token, name) {
  return waitFor(
    `${name} in the catalog`,
    async () => {
      const res = await fetch(
        `${base}/api/catalog/entities/by-name/component/default/${name}`,
        {
          headers: { Authorization: `Bearer ${token}` },
        },
      );
      return res.ok;
    },
    120_000,
  );
}

async function production() {
  const db = `backstage_smoke_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({
    host: '127.0.0.1',
    port: 5432,
    user: 'postgres',
    database: 'postgres',
  });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${db}`);
  const keepDatabase = onExit(() => dropDatabaseSync(db)); // dropped below, or on exit if interrupted
  // In the unpacked bundle, so it goes with it.
  const override = path.join(workdir, 'app-config.smoke.yaml');
  // One database with a schema per plugin, so the run leaves a single database to drop.
  writeFileSync(
    override,
    `backend:\n  listen: ':${port}'\n  database:\n    pluginDivisionMode: schema\n    connection:\n      database: ${db}\n`,
  );
  const backend = (running = startBackend({
    bundleDir: workdir,
    name: 'production',
    cwd: workdir,
    configs: ['app-config.yaml', 'app-config.production.yaml', override],
    env: productionEnv({ base, ciToken }),
  }));
  try {
    await ready();
    check(true, 'production: backend ready on PostgreSQL');
    const index = await fetch(`${base}/`);
    const html = await index.text();
    check(
      index.ok && html.includes('<div id="root">'),
      'production: built frontend served at /',
      `${index.status}`,
    );
    const anon = await fetch(`${base}/api/catalog/entities?limit=1`);
    check(
      anon.status === 401,
      'production: unauthenticated catalog request refused with 401',
      `${anon.status}`,
    );
    const guest = await fetch(`${base}/api/auth/guest/refresh?env=production`, {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    });
    // Not a refusal but an absence: production configures no guest provider, so the auth plugin has none to offer.
    const guestBody = await guest.text();
    check(
      guest.status === 404 &&
        /NotFoundError.*auth provider registered for 'guest'/.test(guestBody),
      "production: guest sign-in is not offered (404 No auth provider registered for 'guest')",
      `${guest.status} ${guestBody.slice(0, 200)}`,
    );
    await catalogHas(ciToken, 'checkout-service');
    const groups = await fetch(
      `${base}/api/catalog/entities/by-query?filter=kind=group,spec.type=tribe`,
      {
        headers: { Authorization: `Bearer ${ciToken}` },
      },
    );
    const tribes = (await groups.json()).items;
    // Production's org comes from GitHub alone (catalog.providers.githubOrg; none reachable here): the sample org
    // files are development-only, so a sample user can never sign in to production. The configured locations are
    // Location entities from start-up on (checkout-service above came through one), so none may point at them.
    const locations = await fetch(
      `${base}/api/catalog/entities/by-query?filter=kind=location&fields=spec`,
      { headers: { Authorization: `Bearer ${ciToken}` } },
    ).then(r => r.json());
    const targets = (locations.items ?? []).flatMap(l => [
      ...(l.spec.target ? [l.spec.target] : []),
      ...(l.spec.targets ?? []),
    ]);
    const orgTargets = targets.filter(t => /catalog\/org\//.test(t));
    check(
      groups.status === 200 &&
        tribes.length === 0 &&
        targets.length > 0 &&
        orgTargets.length === 0,
      `production: the sample org is not loaded (${tribes?.length} tribes; none of ${targets.length} location targets is an org file)`,
      `${groups.status} ${orgTargets.join(', ')}`,
    );
    const store = new pg.Client({
      host: '127.0.0.1',
      port: 5432,
      user: 'postgres',
      database: db,
    });
    await store.connect();
    const { rows } = await store.query(
      `SELECT count(*)::int AS n FROM catalog.final_entities`,
    );
    await store.end();
    check(
      rows[0].n > 20,
      `production: catalog stored in PostgreSQL (${rows[0].n} entities in ${db})`,
    );
  } catch (e) {
    check(false, String(e)); // counted before the log tail below is printed
  } finally {
    await backend.stop();
    if (failures) console.log(backend.log.slice(-60).join('\n'));
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    keepDatabase();
    await admin.end();
  }
}

async function development() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'smoke-data-'));
  onExit(() => rmSync(dataDir, { recursive: true, force: true }));
  // The dev config listens on 7007; this moves it off the developer's port.
  const override = path.join(dataDir, 'app-config.smoke.yaml');
  writeFileSync(
    override,
    `backend:\n  baseUrl: ${base}\n  listen:\n    port: ${port}\n`,
  );
  // In development the backend runs from packages/backend, which the dev config's relative paths expect.
  const backend = (running = startBackend({
    bundleDir: workdir,
    name: 'development',
    cwd: path.join(workdir, 'packages/backend'),
    configs: ['../../app-config.yaml', override],
    env: { NODE_ENV: 'development', BACKSTAGE_DATA_DIR: dataDir },
  }));
  try {
    await ready();
    const token = await guestToken(base);
    check(!!token, 'development: guest sign-in works');
    await catalogHas(token, 'checkout-service');
    check(true, 'development: the guest reads the catalog');
    const tribes = await waitFor('the sample org', async () => {
      const res = await fetch(
        `${base}/api/catalog/entities/by-query?filter=kind=group,spec.type=tribe`,
        { headers: { Authorization: `Bearer ${token}` } },
      );
      const n = (await res.json()).items?.length ?? 0;
      return n >= 2 ? n : undefined;
    }).catch(() => 0);
    check(
      tribes >= 2,
      `development: the sample org is in the catalog (${tribes} tribes)`,
    );
    // catalog/broken/invalid-entity.yaml is registered on purpose: it must be reported, and the rest must load.
    const reported = await waitFor(
      'the broken entity file to be reported',
      async () =>
        backend.log.find(
          l => l.includes('invalid-entity.yaml') && /not valid/.test(l),
        ),
    );
    check(
      !!reported,
      'development: the broken entity file is reported in the log',
    );
    // Processing goes on after the first entities appear (slowly on a busy machine): wait for all of them.
    const componentCount = async () => {
      const facets = await fetch(
        `${base}/api/catalog/entity-facets?facet=kind`,
        { headers: { Authorization: `Bearer ${token}` } },
      ).then(r => r.json());
      return facets.facets.kind.find(f => f.value === 'Component')?.count ?? 0;
    };
    await waitFor(
      'every valid component',
      async () => (await componentCount()) >= 12,
      60_000,
    ).catch(() => undefined);
    const components = await componentCount();
    check(
      components >= 12,
      `development: every valid component loaded beside it (${components})`,
    );
    // templates/broken/malformed-template.yaml is malformed on purpose: reported, and the golden paths still load.
    const brokenTemplate = await waitFor(
      'the malformed template to be reported',
      async () =>
        backend.log.find(l => l.includes('broken/malformed-template.yaml')),
    ).catch(() => undefined);
    check(
      !!brokenTemplate,
      'development: the malformed template file is reported in the log',
    );
    const templates = await fetch(
      `${base}/api/catalog/entities/by-query?filter=kind=template`,
      {
        headers: { Authorization: `Bearer ${token}` },
      },
    ).then(r => r.json());
    const names = templates.items.map(t => t.metadata.name).sort();
    check(
      [
        'import-repository',
        'node-service',
        'typescript-library',
        'website',
      ].every(n => names.includes(n)),
      `development: the four golden-path templates loaded beside it (${names.join(
        ', ',
      )})`,
    );
  } catch (e) {
    check(false, String(e)); // counted before the log tail below is printed
  } finally {
    await backend.stop();
    if (failures) console.log(backend.log.slice(-60).join('\n'));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

try {
  await production();
  await development();
} catch (e) {
  check(false, String(e));
} finally {
  bundle.remove();
}
console.log(
  failures ? `${failures} check(s) failed` : 'all smoke checks passed',
);
process.exit(failures ? 1 : 0);
