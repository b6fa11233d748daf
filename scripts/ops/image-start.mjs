// The container, without a Docker engine: what the Dockerfile's final stages run, checked end to end.
//  1. image: the built skeleton + bundle unpacked into an empty folder, production dependencies only (yarn workspaces
//     focus --all --production, offline from the yarn cache), catalog/templates/configs beside them; started with
//     the production config on a throwaway database of the real local PostgreSQL as a non-root user (nobody through
//     setpriv when this runs as root). Checks: readiness, not root, no dev dependencies installed, the built frontend
//     at /, the catalog API (CI token), the catalog stored in PostgreSQL.
//  2. unauthenticated sweep: the installed plugins are read from the backend's own start-up log ("Plugin
//     initialization started: ..."), so plugins added later are swept too; every plugin's API refuses a request
//     without credentials (401/403) except the public endpoints allowlisted below with their reason.
//  3. SIGTERM: a slow request and one that never completes go through the proxy plugin; after SIGTERM readiness
//     answers 503 at once, the slow request completes, new connections are refused once the listener closes, the
//     hung one is cut off at the drain deadline, and the process exits 0 well within ECS's 30 s grace period.
// Usage: yarn build:backend && node scripts/ops/image-start.mjs
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startBackend, waitFor } from '../lib/built-backend.mjs';
import { buildImageFolder, runtimeUser } from '../lib/image.mjs';

const port = 7550;
const upstreamPort = 7551;
const base = `http://127.0.0.1:${port}`;
const ciToken = `image-${process.pid}-${Date.now()}`;
const SHUTDOWN_DELAY_S = 2; // production: 5 s; shorter here to keep the test quick
const SLOW_MS = 6000; // longer than the delay, so the request is still in flight when the listener closes
const DRAIN_S = 5; // production: 15 s; a request that never finishes is cut off after it
let failures = 0;
const check = (ok, what, detail = '') => {
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${what}${ok || !detail ? '' : `: ${detail}`}`,
  );
  if (!ok) failures++;
  return ok;
};

/**
 * Endpoints that answer without credentials on purpose. Everything else under /api/<plugin> must refuse.
 * plugin id → { paths probed and expected status, reason }.
 */
const PUBLIC = {
  app: {
    reason:
      'serves the built frontend (static files; only frontend-visible config): the sign-in page must load before there is a token',
    probes: [['GET', '/api/app/', 200]],
  },
  auth: {
    reason:
      'sign-in itself (OAuth start/handler/refresh, OIDC discovery): called before a token exists; each endpoint checks its own cookie or token',
    probes: [
      ['GET', '/api/auth/.well-known/openid-configuration', 200],
      // ...but no identity is handed out without a session, and there is no guest.
      ['GET', '/api/auth/v1/userinfo', 'refused'],
      ['GET', '/api/auth/guest/refresh?env=production', 'refused'],
      ['GET', '/api/auth/github/refresh?env=production', 'refused'],
    ],
  },
  permission: {
    reason: 'only /health (a liveness probe with no data)',
    probes: [['GET', '/api/permission/health', 200]],
  },
  signals: {
    reason:
      'the websocket endpoint is open at the policy level because browsers cannot send headers on an upgrade; ' +
      'the plugin checks a token sent in the upgrade itself (see the websocket note below); plain requests refused',
    probes: [
      ['GET', '/api/signals/health', 200],
      ['POST', '/api/signals/sweep-probe', 'refused'],
    ],
  },
};
const REFUSED = [401, 403];
/** 'refused': any 4xx (the auth plugin answers 404 for a provider that is not configured, 401 without a session). */
const matches = (status, expected) =>
  expected === 'refused' ? status >= 400 && status < 500 : status === expected;

function slowUpstream() {
  const server = http.createServer((req, res) => {
    if (req.url.startsWith('/hang')) return; // never answers
    const delay = req.url.startsWith('/slow') ? SLOW_MS : 0;
    setTimeout(() => res.end(JSON.stringify({ path: req.url })), delay);
  });
  return new Promise(r =>
    server.listen(upstreamPort, '127.0.0.1', () => r(server)),
  );
}

/** A websocket upgrade to /api/signals without credentials; resolves with the HTTP status it got. */
function unauthenticatedUpgrade() {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/api/signals`, {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': Buffer.from('sixteen-byte-key').toString('base64'),
      },
    });
    req.on('response', res => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on('error', reject);
    req.setTimeout(3_000, () => req.destroy(new Error('no answer in 3 s')));
    req.end();
  });
}

/** Log lines are JSON in production; returns the messages. */
const messages = log =>
  log.flatMap(l => {
    try {
      return [JSON.parse(l).message ?? ''];
    } catch {
      return [l];
    }
  });

async function main() {
  const started = Date.now();
  const image = buildImageFolder();
  console.log(
    `native build output reused from the repository's install: ${
      image.reused.join(', ') || 'none'
    }`,
  );
  console.log(
    `image folder built in ${((Date.now() - started) / 1000).toFixed(0)} s ` +
      `(production install ${image.installSeconds.toFixed(0)} s, ${
        image.offline ? 'offline from the yarn cache' : 'with the registry'
      })`,
  );
  const admin = new pg.Client({
    host: '127.0.0.1',
    port: 5432,
    user: 'postgres',
    database: 'postgres',
  });
  const db = `backstage_image_${process.pid}_${Date.now()}`;
  await admin.connect();
  await admin.query(`CREATE DATABASE ${db}`);
  const upstream = await slowUpstream();
  let backend;
  try {
    check(
      !existsSync(path.join(image.dir, 'node_modules/@backstage/cli')) &&
        !existsSync(path.join(image.dir, 'node_modules/jest')),
      'image: production dependencies only (no @backstage/cli, no jest)',
    );
    const override = path.join(image.dir, 'app-config.test.yaml');
    writeFileSync(
      override,
      `backend:\n  listen: ':${port}'\n  lifecycle:\n    serverShutdownDelay: ${SHUTDOWN_DELAY_S}s\n` +
        `  gracefulShutdown:\n    drainTimeout: ${DRAIN_S}s\n` +
        `  database:\n    pluginDivisionMode: schema\n    connection:\n      database: ${db}\n`,
    );
    const runAs = runtimeUser(image.dir);
    backend = startBackend({
      bundleDir: image.dir,
      name: 'image',
      cwd: image.dir,
      configs: ['app-config.yaml', 'app-config.production.yaml', override],
      runAs,
      env: {
        NODE_ENV: 'production',
        HOME: image.dir,
        APP_BASE_URL: base,
        BACKEND_BASE_URL: base,
        BACKEND_CI_TOKEN: ciToken,
        POSTGRES_HOST: '127.0.0.1',
        POSTGRES_PORT: '5432',
        POSTGRES_USER: 'postgres',
        POSTGRES_PASSWORD: 'unused-with-trust-auth',
        AUTH_GITHUB_CLIENT_ID: 'image-client-id',
        AUTH_GITHUB_CLIENT_SECRET: 'image-client-secret',
        GITHUB_TOKEN: 'image-github-token',
        METRICS_API_URL: `http://127.0.0.1:${upstreamPort}`,
      },
    });
    const t0 = Date.now();
    await waitFor(
      'readiness',
      async () => (await fetch(`${base}/.backstage/health/v1/readiness`)).ok,
      {
        backend,
      },
    );
    check(
      true,
      `image: ready on PostgreSQL in ${((Date.now() - t0) / 1000).toFixed(
        1,
      )} s`,
    );
    const uid = readFileSync(`/proc/${backend.pid}/status`, 'utf8').match(
      /^Uid:\s+(\d+)/m,
    )[1];
    check(
      uid !== '0',
      `image: runs as a non-root user (uid ${uid}${
        runAs ? `, ${runAs.user} via setpriv` : ''
      })`,
    );
    const index = await fetch(`${base}/`);
    const html = await index.text();
    check(
      index.ok && html.includes('<div id="root">'),
      'image: built frontend served at /',
      `${index.status}`,
    );
    const auth = { headers: { Authorization: `Bearer ${ciToken}` } };
    await waitFor(
      'checkout-service in the catalog',
      async () =>
        (
          await fetch(
            `${base}/api/catalog/entities/by-name/component/default/checkout-service`,
            auth,
          )
        ).ok,
      { backend, timeoutMs: 120_000 },
    );
    check(true, 'image: catalog API serves the sample catalog (CI token)');
    const store = new pg.Client({
      host: '127.0.0.1',
      port: 5432,
      user: 'postgres',
      database: db,
    });
    await store.connect();
    const { rows } = await store.query(
      'SELECT count(*)::int AS n FROM catalog.final_entities',
    );
    await store.end();
    check(
      rows[0].n > 20,
      `image: catalog stored in PostgreSQL (${rows[0].n} entities)`,
    );

    // --- unauthenticated sweep
    const startedLine = messages(backend.log).find(m =>
      m.startsWith('Plugin initialization started:'),
    );
    const plugins = [...(startedLine ?? '').matchAll(/'([^']+)'/g)].map(
      m => m[1],
    );
    check(
      plugins.length >= 10,
      `sweep: ${
        plugins.length
      } installed plugins read from the start-up log: ${plugins.join(', ')}`,
    );
    for (const id of plugins) {
      const publicEntry = PUBLIC[id];
      const results = [];
      let ok = true;
      if (publicEntry) {
        for (const [method, url, expected] of publicEntry.probes) {
          const res = await fetch(base + url, { method, redirect: 'manual' });
          results.push(`${method} ${url} ${res.status}`);
          ok &&= matches(res.status, expected);
        }
      } else {
        for (const [method, url] of [
          ['GET', `/api/${id}/`],
          ['GET', `/api/${id}/sweep-probe`],
          ['POST', `/api/${id}/sweep-probe`],
        ]) {
          const res = await fetch(base + url, {
            method,
            redirect: 'manual',
            headers: { 'content-type': 'application/json' },
            body: method === 'POST' ? '{}' : undefined,
          });
          results.push(`${method} ${url} ${res.status}`);
          ok &&= REFUSED.includes(res.status);
        }
        // The same request with credentials is not refused: the 401 above is the auth policy, not a missing route.
        const authed = await fetch(`${base}/api/${id}/sweep-probe`, auth);
        results.push(
          `GET /api/${id}/sweep-probe with CI token ${authed.status}`,
        );
        ok &&= !REFUSED.includes(authed.status) || authed.status === 403;
      }
      check(
        ok,
        `sweep: ${id}: ${
          publicEntry
            ? `public by design (${publicEntry.reason}); `
            : 'refused without credentials; '
        }${results.join(', ')}`,
      );
    }
    // Signals: the plugin subscribes to the server's upgrade events on the first websocket request it sees, and
    // accepts an upgrade that carries no token as an anonymous connection (upstream behaviour in 1.55) that receives
    // only broadcast signals. Reported, not asserted: it is upstream's design, documented in the README.
    const upgrades = [];
    for (let i = 0; i < 2; i++)
      upgrades.push(await unauthenticatedUpgrade().catch(e => e.message));
    console.log(
      `note signals: websocket upgrades without a token answered: ${upgrades.join(
        ', ',
      )}`,
    );

    // --- SIGTERM
    const slowStarted = Date.now();
    const slow = fetch(`${base}/api/proxy/metrics/slow`, auth).then(
      async r => ({
        status: r.status,
        body: await r.text(),
        at: Date.now(),
      }),
    );
    // A request that never completes (the stock backend would wait for it until ECS's SIGKILL).
    const hung = fetch(`${base}/api/proxy/metrics/hang`, auth).then(
      r => `answered ${r.status}`,
      () => 'cut off',
    );
    await new Promise(r => setTimeout(r, 500));
    const termAt = Date.now();
    process.kill(backend.pid, 'SIGTERM');
    await new Promise(r => setTimeout(r, 500));
    const readiness = await fetch(
      `${base}/.backstage/health/v1/readiness`,
    ).then(
      r => r.status,
      e => e.message,
    );
    check(
      readiness === 503,
      `sigterm: readiness answers 503 at once (${readiness})`,
    );
    await new Promise(r => setTimeout(r, SHUTDOWN_DELAY_S * 1000 + 500));
    const late = await fetch(`${base}/.backstage/health/v1/liveness`).then(
      r => `answered ${r.status}`,
      () => 'refused',
    );
    check(
      late === 'refused',
      `sigterm: new connections refused after the shutdown delay (${late})`,
    );
    const done = await slow.catch(e => ({ status: e.message, at: Date.now() }));
    check(
      done.status === 200 && done.body.includes('/slow'),
      `sigterm: the in-flight request completed (${done.status} after ${(
        (done.at - slowStarted) /
        1000
      ).toFixed(1)} s, SIGTERM at ${((termAt - slowStarted) / 1000).toFixed(
        1,
      )} s)`,
    );
    const exit = await Promise.race([
      backend.exit,
      new Promise(r => setTimeout(() => r('timeout'), 30_000)),
    ]);
    const exitSeconds = (Date.now() - termAt) / 1000;
    check(
      exit !== 'timeout' && exit.code === 0,
      `sigterm: exited ${
        exit === 'timeout' ? 'not at all' : `with ${exit.code ?? exit.signal}`
      } ${exitSeconds.toFixed(1)} s after SIGTERM (ECS kills at 30 s)`,
    );
    check(
      (await hung) === 'cut off',
      `sigterm: a request that never completes was cut off at the drain deadline (${DRAIN_S} s), not waited for`,
    );
    const drained = messages(backend.log).find(m =>
      /still in flight after/.test(m),
    );
    check(
      !!drained,
      `sigterm: the backend logged the drain (${drained ?? 'missing'})`,
    );
  } finally {
    if (backend && !backend.exited()) {
      process.kill(backend.pid, 'SIGKILL');
      await backend.exit;
    }
    if (failures && backend) console.log(backend.log.slice(-60).join('\n'));
    upstream.closeAllConnections();
    upstream.close();
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.end();
    image.remove();
  }
}

try {
  await main();
} catch (e) {
  check(false, e.stack ?? String(e));
}
console.log(
  failures ? `${failures} image check(s) failed` : 'all image checks passed',
);
process.exit(failures ? 1 : 0);
