// Two replicas behave as one portal (phase `live`): the built backend twice, production config, one PostgreSQL
// database, one Redis, GitHub sign-in through the stand-in (system-tests/lib/live-cluster.mjs). A browser signed in
// on replica A:
//  - receives, live and without reload, a notification sent through replica B (the events backend carries B's
//    signal to A over PostgreSQL); the delay is printed;
//  - a catalog location registered through B is served by A's API at once;
//  - a TechDocs page served (and cached) by B is served by A from the shared cache, though A's publish folder
//    lacks it;
//  - B is kill -9ed right after sending a notification: A keeps serving, the reloaded page lists the notification,
//    and A still delivers live.
// LIVE_WITHOUT=events|redis|shared-database runs the same checks with that part switched off; the check that
// depends on it fails (see lib/live-cluster.mjs).
// Usage: yarn build:backend && node --test --test-reporter=spec system-tests/replicas-live.test.mjs
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { upgradeStatus } from './lib/signals.mjs';
import { signedInBrowser } from './lib/live-browser.mjs';
import {
  githubSignIn,
  progress,
  startCluster,
  waitFor,
} from './lib/live-cluster.mjs';

const LIVE_TIMEOUT_MS = 15_000; // far above the measured delay (tens of ms); a lost event never arrives
const ENTITY = 'default/component/storefront-web';
const marker = `live-techdocs-page-${process.pid}-${Date.now()}`;
let cluster;
let browser;

/** POST /api/notifications through replica `r` with the test's service token, to bob. */
async function notifyBob(r, title) {
  const res = await fetch(`${r.base}/api/notifications/notifications`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${cluster.notifierToken}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({
      recipients: { type: 'entity', entityRef: 'user:default/bob' },
      payload: { title, description: 'sent by system-tests/replicas-live' },
    }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const [notification] = await res.json();
  assert.equal(notification.payload.title, title);
  return notification;
}

/** Resolves with the signal frame naming `id` once the page on A received it, or null after `timeoutMs`. */
async function signalFor(id, timeoutMs = LIVE_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const frame = browser.signalFrames.find(f => f.data.includes(id));
    if (frame) return frame;
    await new Promise(r => setTimeout(r, 5));
  }
  return null;
}

/** GET through a fresh connection the server closes afterwards (TechDocs caches a page when its socket closes). */
function getOnce(url, token) {
  return new Promise((resolve, reject) => {
    const req = http.get(
      url,
      {
        agent: false,
        headers: { Authorization: `Bearer ${token}`, Connection: 'close' },
      },
      res => {
        let body = '';
        res.on('data', d => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode, body }));
      },
    );
    req.on('error', reject);
  });
}

before(
  async () => {
    cluster = await startCluster({
      without: process.env.LIVE_WITHOUT,
      techdocsPage: {
        entity: ENTITY,
        html: `<!doctype html><html><body><h1>${marker}</h1></body></html>`,
      },
    });
    // The signals plugin answers upgrades from the second one on (it subscribes to upgrade events on the first):
    // spend that first one here rather than have the page wait for its client's reconnect.
    await upgradeStatus(cluster.A.base).catch(() => undefined);
    browser = await signedInBrowser(cluster.A.base, 'bob');
    progress('chromium signed in on replica A as bob');
    await waitFor(
      "the page's signals websocket on replica A",
      () => browser.subscribed(),
      { timeoutMs: 60_000 },
    );
    progress("the page's signals websocket is subscribed");
  },
  // About a minute on an idle machine; generous for a loaded one (and a build holding the lock).
  { timeout: 600_000 },
);

after(async () => {
  await browser?.browser.close();
  await cluster?.stop();
});

test('both replicas use the PostgreSQL event bus (no "events backend not found")', () => {
  for (const r of [cluster.A, cluster.B]) {
    const { log } = r.backend;
    assert.ok(
      log.some(l => l.includes('Database is PostgreSQL, using database store')),
      `replica ${r.name}: the events backend did not pick its PostgreSQL store`,
    );
    assert.deepEqual(
      log.filter(l => l.includes('events backend not found')),
      [],
      `replica ${r.name}`,
    );
  }
});

test('a notification sent through B shows live on A, without reload', async () => {
  const { page } = browser;
  const origin = await page.evaluate(() => performance.timeOrigin);
  const title = `Sent through replica B ${Date.now()}`;
  const sentAt = Date.now();
  const notification = await notifyBob(cluster.B, title);
  const frame = await signalFor(notification.id);
  assert.ok(
    frame,
    `replica A's browser got no signal for ${notification.id} within ${LIVE_TIMEOUT_MS} ms`,
  );
  // The notifications sidebar item shows it in a snackbar.
  await page.getByText(title).waitFor({ timeout: 5_000 });
  const shownAt = Date.now();
  assert.equal(
    await page.evaluate(() => performance.timeOrigin),
    origin,
    'the page was reloaded',
  );
  console.log(
    `cross-replica notification delay: ${
      frame.at - sentAt
    } ms from the POST to B to the signal in A's page ` +
      `(${shownAt - sentAt} ms until the snackbar was seen)`,
  );
});

test('a location registered through B is in A’s catalog at once', async () => {
  const { A, B, standin } = cluster;
  const { token } = await githubSignIn(B.base, 'carol');
  const res = await fetch(`${B.base}/api/catalog/locations`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({
      type: 'url',
      target: `${standin.baseUrl}/example-org/fraud-detector/blob/main/catalog-info.yaml`,
    }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const entity = r =>
    fetch(
      `${r.base}/api/catalog/entities/by-name/component/default/fraud-detector`,
      {
        headers: { Authorization: `Bearer ${r.token}` },
      },
    );
  await waitFor(
    'fraud-detector in B’s catalog',
    async () => (await entity(B)).ok,
    {
      timeoutMs: 60_000,
    },
  );
  // Not waited for: the first answer of A.
  const fromA = await entity(A);
  assert.equal(fromA.status, 200);
  assert.equal((await fromA.json()).metadata.name, 'fraud-detector');
});

test('a TechDocs page cached by B is served by A from the shared cache', async () => {
  const { A, B } = cluster;
  const page = `/api/techdocs/static/docs/${ENTITY}/index.html`;
  // Only B's publish folder has the page.
  assert.equal((await getOnce(`${A.base}${page}`, A.token)).status, 404);
  const fromB = await getOnce(`${B.base}${page}`, B.token);
  assert.equal(fromB.status, 200);
  assert.match(fromB.body, new RegExp(marker));
  // B writes the cache entry once its response's socket has closed.
  let fromA;
  const deadline = Date.now() + 5_000;
  do {
    await new Promise(r => setTimeout(r, 100));
    fromA = await getOnce(`${A.base}${page}`, A.token);
  } while (fromA.status !== 200 && Date.now() < deadline);
  assert.equal(fromA.status, 200, 'A did not find B’s cache entry');
  assert.match(fromA.body, new RegExp(marker));
});

test('B killed (kill -9) right after sending: the notification is stored and A shows it', async () => {
  const { A, B } = cluster;
  const { page } = browser;
  const title = `Sent through replica B before it was killed ${Date.now()}`;
  await notifyBob(B, title);
  process.kill(B.backend.pid, 'SIGKILL');
  assert.equal((await B.backend.exit).signal, 'SIGKILL');
  assert.equal(
    (await fetch(`${A.base}/.backstage/health/v1/readiness`)).status,
    200,
  );
  // Reloaded on A, the notifications page lists it (stored in PostgreSQL, not only signalled).
  await page.goto(`${A.base}/notifications`);
  await page.getByText(title).first().waitFor({ timeout: 20_000 });
  // The page reconnected its signals websocket to A, and A still delivers live with B gone.
  await waitFor('the reloaded page resubscribed', () => browser.subscribed(), {
    timeoutMs: 30_000,
  });
  const fromA = await notifyBob(
    A,
    `Sent through replica A after B died ${Date.now()}`,
  );
  assert.ok(await signalFor(fromA.id), 'no live signal on A after B died');
});
