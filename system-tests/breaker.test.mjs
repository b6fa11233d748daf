// The circuit breaker is no kill switch in a caller's hands, on the real built backend (yarn build:backend) with the
// development config on PostgreSQL (a throwaway database, one schema per plugin):
//  - the NUL-byte requests that made the catalog answer 500 on PostgreSQL (by-name, by-query filter) answer 400;
//  - sustained healthy load (50 connections for 60 s on the catalog, as issue 16 asks: longer than the rolling
//    window and two reset timeouts, with the catalog's timeout lowered to 10 ms so most responses are slow, as a
//    10 s timeout is under heavy queries) gets no 503 and leaves the breaker closed: slow successes never fail (a
//    breaker counting timeouts as failures opens here);
//  - then one signed-in caller sends failing requests to the catalog (NUL bytes, and requests the catalog answers
//    500) while five other callers (static tokens with their own subjects) read it: the five see no 503, not one,
//    and the attacker is throttled (429) by the catalog only, never the catalog for everyone;
//  - the status API says so: catalog closed, the attacker listed among the throttled callers.
// BREAKER_ABUSE_PLUGIN_DIST=<dir> replaces the bundle's plugins/circuit-breaker-backend/dist, to replay this test on
// another build of the breaker (how it was shown to fail on the old one).
// Usage: flock /tmp/backstage-build.lock node --test --test-reporter=spec system-tests/breaker.test.mjs
import autocannon from 'autocannon';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  freePort,
  guestToken,
  logTailOnFailure,
  onExit,
  startBackend,
  throwawayDatabase,
  unpackBundle,
  waitFor,
  waitReady,
} from './lib/backend.mjs';

const READERS = 5;
const ATTACK_SECONDS = 20;
// Sustained: six rolling windows (10 s) and two reset timeouts (30 s) of the catalog's breaker.
const LOAD_SECONDS = 60;
const LOAD_CONNECTIONS = 50;

const catalog = '/api/catalog';
const valid = `${catalog}/entities/by-name/component/default/checkout-service`;
// NUL bytes: a 500 from PostgreSQL before the edge check, a 400 now. Out-of-range paging: a 500 from PostgreSQL
// ("value out of range for type bigint") that the catalog still answers; it stands for any caller-provoked 500.
const nulRequests = [
  `${catalog}/entities/by-name/component/default/%00`,
  `${catalog}/entities/by-query?filter=metadata.name=%00`,
];
const failingRequest = `${catalog}/entities/by-query?offset=99999999999999999999`;
const readerTokens = Array.from({ length: READERS }, (_, i) => ({
  subject: `reader-${i + 1}`,
  token: randomBytes(24).toString('base64url'),
}));

let base;
let bundle;
let db;
let dataDir;
let backend;
let guest; // the attacker: a signed-in user
const cleanups = [];

const auth = token => ({ headers: { Authorization: `Bearer ${token}` } });
const get = async (p, token) => {
  const res = await fetch(base + p, auth(token));
  await res.arrayBuffer();
  return res.status;
};
const catalogStatus = async token =>
  (
    await (
      await fetch(`${base}/api/circuit-breaker/status`, auth(token))
    ).json()
  ).plugins?.find(p => p.pluginId === 'catalog');
/** `fn` in a loop until `deadline`, collecting the statuses it returns. */
async function loop(deadline, fn) {
  const statuses = [];
  for (let i = 0; Date.now() < deadline; i++) {
    statuses.push(await fn(i));
  }
  return statuses;
}
const tally = statuses =>
  Object.entries(
    statuses.reduce((t, s) => ({ ...t, [s]: (t[s] ?? 0) + 1 }), {}),
  )
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');

before(async () => {
  const port = await freePort();
  base = `http://localhost:${port}`;
  bundle = unpackBundle();
  cleanups.push(onExit(bundle.remove));
  if (process.env.BREAKER_ABUSE_PLUGIN_DIST) {
    const dist = path.join(bundle.dir, 'plugins/circuit-breaker-backend/dist');
    rmSync(dist, { recursive: true, force: true });
    cpSync(process.env.BREAKER_ABUSE_PLUGIN_DIST, dist, { recursive: true });
    console.log(
      `breaker plugin replaced by ${process.env.BREAKER_ABUSE_PLUGIN_DIST}`,
    );
  }
  dataDir = mkdtempSync(path.join(tmpdir(), 'breaker-abuse-'));
  cleanups.push(
    onExit(() => rmSync(dataDir, { recursive: true, force: true })),
  );
  db = await throwawayDatabase('backstage_breaker_abuse');
  const override = path.join(dataDir, 'app-config.breaker-abuse.yaml');
  // Development config (guest sign-in, breaker defaults) on PostgreSQL; the readers are static-token services with
  // distinct subjects, so the backend sees six principals.
  writeFileSync(
    override,
    [
      'backend:',
      `  baseUrl: ${base}`,
      `  listen: { port: ${port} }`,
      '  database:',
      '    client: pg',
      '    pluginDivisionMode: schema',
      `    connection: postgresql://postgres@127.0.0.1:5432/${db.name}`,
      '  circuitBreaker:',
      '    plugins:',
      // Low enough that responses under load pass it: they must be reported slow, never failures.
      '      catalog: { timeout: 10 }',
      '  auth:',
      '    externalAccess:',
      ...readerTokens.flatMap(r => [
        '      - type: static',
        `        options: { token: ${r.token}, subject: ${r.subject} }`,
      ]),
      '',
    ].join('\n'),
  );
  backend = startBackend({
    bundleDir: bundle.dir,
    name: 'breaker-abuse',
    cwd: path.join(bundle.dir, 'packages/backend'),
    configs: ['../../app-config.yaml', override],
    env: {
      NODE_ENV: 'development',
      BACKSTAGE_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
  });
  await waitReady(base, backend);
  guest = await guestToken(base);
});
after(async () => {
  await backend?.stop();
  await db?.drop();
  bundle?.remove();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  for (const cancel of cleanups) cancel();
});
afterEach(logTailOnFailure(() => backend, { lines: 40 }));

test('ready on PostgreSQL (development config), the catalog loaded', async () => {
  assert.equal(
    await waitFor(
      'checkout-service in the catalog',
      async () => (await get(valid, guest)) === 200,
      { backend },
    ),
    true,
  );
});

for (const p of nulRequests) {
  test(`a NUL byte is answered 400 InputError: GET ${p}`, async () => {
    const res = await fetch(base + p, auth(guest));
    const body = await res.json().catch(() => ({}));
    assert.equal(res.status, 400);
    assert.equal(body.error?.name, 'InputError');
  });
}

test('a valid by-name lookup is still 200', async () => {
  assert.equal(await get(valid, guest), 200);
});

describe(`healthy load (${LOAD_CONNECTIONS} connections, ${LOAD_SECONDS} s, most responses slower than the 10 ms timeout)`, () => {
  let load;
  let afterLoad;
  before(async () => {
    load = await autocannon({
      url: base + valid,
      connections: LOAD_CONNECTIONS,
      duration: LOAD_SECONDS,
      headers: { Authorization: `Bearer ${readerTokens[0].token}` },
    });
    afterLoad = await catalogStatus(readerTokens[1].token);
  });

  test('every response is 2xx, no 503', t => {
    t.diagnostic(
      `${load.requests.total} requests, p50 ${load.latency.p50} ms, non-2xx ${
        load.non2xx
      }, errors ${load.errors}; catalog ${JSON.stringify(afterLoad?.stats)}`,
    );
    assert.ok(load.requests.total > 0, 'no requests made');
    assert.equal(load.non2xx, 0, 'non-2xx responses');
    assert.equal(load.errors, 0, 'errors');
  });

  test('the catalog stays closed; most responses were slow, counted as timeouts, not failures', () => {
    assert.equal(afterLoad?.state, 'closed');
    assert.ok(
      afterLoad.stats.timeouts > afterLoad.stats.requests / 2,
      JSON.stringify(afterLoad.stats),
    );
    // autocannon drops its in-flight requests when it stops: past the timeout, a caller giving up counts as a
    // failure (that is how a hung plugin shows), so at most one per connection.
    assert.ok(
      afterLoad.stats.failures <= LOAD_CONNECTIONS,
      JSON.stringify(afterLoad.stats),
    );
  });
});

describe(`one caller provoking 500s for ${ATTACK_SECONDS} s while ${READERS} others read the catalog`, () => {
  let attacker;
  let readers;
  before(async () => {
    // The guest (a signed-in user) sends NUL-byte and failing requests, eight at a time, as fast as it can; the
    // readers browse (a request every 100 ms each): a breaker counting every request alike sees mostly failures and
    // opens for everyone.
    const deadline = Date.now() + ATTACK_SECONDS * 1000;
    const attack = Promise.all(
      Array.from({ length: 8 }, (_, w) =>
        loop(deadline, i =>
          get((i + w) % 3 === 0 ? nulRequests[i % 2] : failingRequest, guest),
        ),
      ),
    ).then(all => all.flat());
    const reads = Promise.all(
      readerTokens.map(r =>
        loop(deadline, async i => {
          await new Promise(res => setTimeout(res, 100));
          return get(
            i % 2 ? valid : `${catalog}/entities/by-query?limit=5`,
            r.token,
          );
        }),
      ),
    );
    attacker = await attack;
    readers = await reads;
  });

  test(`the ${READERS} readers get 200 for every request (no 503)`, t => {
    readers.forEach((s, i) =>
      t.diagnostic(`${readerTokens[i].subject}: ${tally(s)}`),
    );
    const all = readers.flat();
    assert.ok(all.length > 0, 'no reads made');
    assert.deepEqual(
      all.filter(s => s !== 200),
      [],
      `not 200 among ${all.length}`,
    );
  });

  test('the attacker never gets 503 either (the catalog never opened)', t => {
    t.diagnostic(`attacker (guest): ${tally(attacker)}`);
    assert.ok(!attacker.includes(503), tally(attacker));
  });

  test('the attacker is throttled: its failing requests answer 429 after the first few 500s', () => {
    assert.ok(attacker.includes(500), tally(attacker));
    assert.ok(
      attacker.filter(s => s === 429).length > attacker.length / 2,
      tally(attacker),
    );
  });

  test('status API: the catalog closed, the guest user listed as a throttled caller', async () => {
    const cat = await catalogStatus(readerTokens[0].token);
    const detail = JSON.stringify({
      throttled: cat?.throttledCallers,
      stats: cat?.stats,
    });
    assert.equal(cat?.state, 'closed');
    assert.ok(
      cat.throttledCallers?.some(c => c.kind === 'user'),
      detail,
    );
    assert.ok(cat.stats.throttled > 0, detail);
  });

  test("the throttled caller's own reads answer 429 with Retry-After (catalog only)", async () => {
    const throttled = await fetch(base + valid, auth(guest));
    assert.equal(throttled.status, 429);
    assert.ok(Number(throttled.headers.get('retry-after')) > 0);
  });
});
