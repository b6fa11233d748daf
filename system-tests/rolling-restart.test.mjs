// A rolling restart under load (issue 20): two replicas of the built backend with the production config on one
// PostgreSQL database, catalog reads and search queries sent round-robin to both by a client-side balancer that
// routes like an ALB (a replica leaves the rotation once its readiness answers anything but 200, polled every 200 ms;
// requests already sent to it are left to finish). Replica A gets SIGTERM, drains (plugins/graceful-shutdown-backend:
// readiness 503 at once, served for backend.lifecycle.serverShutdownDelay, in-flight requests drained), exits, is
// started again and comes back; then replica B the same. No request may fail, and every second of the run has a
// successful search and a successful catalog read.
//
// Switches that show the test can fail (each makes it fail):
//   ROLLING_ROUTING=ignore-readiness  the balancer keeps sending to a replica that is draining or down;
//   ROLLING_DRAIN=off                 backend.lifecycle.serverShutdownDelay and gracefulShutdown.drainTimeout 0 s.
// Usage: yarn build:backend && node --test system-tests/rolling-restart.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freePorts } from './lib/backend.mjs';
import { messages, rollingCluster } from './lib/rolling-cluster.mjs';
import {
  createBalancer,
  secondsWithout,
  startLoad,
  summarize,
} from './lib/rolling-load.mjs';

const POLL_MS = 200; // the balancer's readiness checks, as an ALB health check
const ALLOWED_FAILURES = 0; // the drain's delay outlasts the balancer's poll, so no request reaches a closed server
const SHUTDOWN_DELAY_MS = 5_000; // app-config.production.yaml backend.lifecycle.serverShutdownDelay
const SETTLE_MS = 4_000; // both replicas in rotation before, between and after the restarts
const drainOff = process.env.ROLLING_DRAIN === 'off';
const respectReadiness = process.env.ROLLING_ROUTING !== 'ignore-readiness';

const sleep = ms => new Promise(r => setTimeout(r, ms));
/** Polls `cond` every `everyMs`; throws after `timeoutMs` or when `backend` exits. */
async function until(what, cond, { timeoutMs, backend, everyMs = 20 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return Date.now();
    if (backend?.exited())
      throw new Error(`the backend exited while waiting for ${what}`);
    // A plugin that fails to start leaves the process up and not ready (upstream waits for the other plugins).
    const failed = backend?.log.find(l => l.includes('Backend startup failed'));
    if (failed) throw new Error(`${what}: ${failed.slice(0, 600)}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

const token = `rolling-${process.pid}-${Date.now()}`;
const requests = [
  {
    kind: 'catalog',
    path: '/api/catalog/entities/by-query?filter=kind=component&fields=metadata.name&limit=50',
    check: body => body.items.some(e => e.metadata.name === 'checkout-service'),
  },
  {
    kind: 'search',
    path: '/api/search/query?term=checkout&types%5B0%5D=software-catalog',
    check: body =>
      body.results.some(r => r.document.title === 'checkout-service'),
  },
];
const answers = async (base, { path, check }) => {
  const res = await fetch(base + path, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return res.ok && check(await res.json());
};

describe('rolling restart of two replicas under load', () => {
  let cluster;
  const run = { restarts: [], phases: [] };

  before(
    async () => {
      const [A, B] = await freePorts(2);
      cluster = await rollingCluster({
        ports: { A, B },
        token,
        backendLayer: drainOff
          ? {
              lifecycle: { serverShutdownDelay: '0s' },
              gracefulShutdown: { drainTimeout: '0s' },
            }
          : {},
      });
      // A first, so the schema is migrated once; then B; then both answer the load's requests.
      const setupStart = Date.now();
      for (const name of ['A', 'B']) {
        const backend = cluster.start(name);
        await until(
          `replica ${name} to be ready`,
          async () =>
            (
              await fetch(
                `${cluster.base(name)}/.backstage/health/v1/readiness`,
              ).catch(() => ({}))
            ).ok,
          { timeoutMs: 120_000, backend, everyMs: 250 },
        );
      }
      await until(
        'both replicas to serve the catalog and its search documents',
        async () => {
          for (const name of ['A', 'B'])
            for (const r of requests)
              if (!(await answers(cluster.base(name), r).catch(() => false)))
                return false;
          return true;
        },
        { timeoutMs: 120_000, everyMs: 250 },
      );
      run.setupMs = Date.now() - setupStart;
      console.log(`both replicas ready and answering in ${run.setupMs} ms`);

      const targets = ['A', 'B'].map(name => ({
        name,
        base: cluster.base(name),
      }));
      const balancer = createBalancer(targets, {
        pollMs: POLL_MS,
        respectReadiness,
      });
      const load = startLoad(balancer, {
        requests,
        token,
        concurrency: 6,
      });
      run.loadStart = Date.now();
      let phaseStart = run.loadStart;
      const phase = name => {
        const now = Date.now();
        run.phases.push({ name, start: phaseStart, end: now });
        phaseStart = now;
      };
      try {
        await sleep(SETTLE_MS);
        phase('both in rotation');
        for (const name of ['A', 'B']) {
          const old = cluster.replicas[name];
          const r = { name, sigterm: Date.now() };
          process.kill(old.pid, 'SIGTERM');
          r.outOfRotation = await until(
            `the balancer to take ${name} out of rotation`,
            () => !balancer.inRotation(name),
            { timeoutMs: 30_000 },
          );
          r.exit = await Promise.race([
            old.exit,
            sleep(40_000).then(() => 'no exit within 40 s'),
          ]);
          r.exited = Date.now();
          r.shutdownLog = messages(old.log).filter(m =>
            m.startsWith('Shutdown:'),
          );
          phase(`${name}: SIGTERM -> exit`);
          const next = cluster.start(name);
          r.started = Date.now();
          r.inRotation = await until(
            `replica ${name} back in rotation`,
            () => balancer.inRotation(name),
            { timeoutMs: 120_000, backend: next },
          );
          phase(`${name}: start -> back in rotation`);
          run.restarts.push(r);
          await sleep(SETTLE_MS);
          phase('both in rotation');
        }
      } finally {
        run.records = await load.stop();
        run.loadEnd = Date.now();
        await balancer.stop();
        run.events = balancer.events;
        phase('in-flight requests finished');
      }

      const s = ms => `${(ms / 1000).toFixed(1)} s`;
      const lines = [
        `rolling restart: setup ${s(run.setupMs)}, load ${s(
          run.loadEnd - run.loadStart,
        )}, routing ${
          respectReadiness ? 'by readiness' : 'ignoring readiness'
        }, drain ${drainOff ? 'off' : 'on'}`,
        ...summarize(run.records, run.phases),
      ];
      for (const r of run.restarts) {
        const afterSigterm = run.records.filter(
          x =>
            x.replica === r.name && x.start >= r.sigterm && x.start < r.exited,
        );
        lines.push(
          `  ${r.name}: out of rotation ${
            r.outOfRotation - r.sigterm
          } ms after SIGTERM; exit ${
            r.exit.code ?? r.exit.signal ?? r.exit
          } after ${s(r.exited - r.sigterm)}; ready and back in rotation ${s(
            r.inRotation - r.started,
          )} after start; ${
            afterSigterm.length
          } requests sent to it after SIGTERM, ${
            afterSigterm.filter(x => x.ok).length
          } answered; drain log: ${r.shutdownLog.join(' | ') || 'none'}`,
        );
      }
      const failed = run.records.filter(x => !x.ok);
      for (const f of failed.slice(0, 10))
        lines.push(
          `  failed: ${f.kind} via ${f.replica} at +${s(
            f.start - run.loadStart,
          )} (${f.end - f.start} ms): ${f.status} ${f.detail ?? ''}`,
        );
      console.log(lines.join('\n'));
    },
    { timeout: 360_000 },
  );

  after(async () => {
    if (!cluster) return;
    // The replicas' last lines when the run broke off or requests failed.
    if (!run.records || run.records.some(r => !r.ok)) {
      for (const { name, run: r } of cluster.runs) {
        // Without the access log (the load's requests and the readiness polls).
        const tail = r.log.filter(l => !l.includes('"type":"incomingRequest"'));
        console.log(`--- replica ${name}\n${tail.slice(-25).join('\n')}`);
      }
    }
    await cluster.cleanup();
  });

  it(`no request fails (at most ${ALLOWED_FAILURES}) while A and then B restart`, () => {
    const failed = run.records.filter(r => !r.ok);
    assert.ok(
      failed.length <= ALLOWED_FAILURES,
      `${failed.length} of ${run.records.length} requests failed: ${failed
        .slice(0, 5)
        .map(f => `${f.kind} via ${f.replica} ${f.status}`)
        .join('; ')}`,
    );
  });

  it('search and catalog each answer 200 in every second of the run', () => {
    assert.deepEqual(
      secondsWithout(
        run.records,
        requests.map(r => r.kind),
        run.loadStart,
        run.loadEnd,
      ),
      [],
    );
  });

  it('each replica leaves the rotation on SIGTERM, serves through the delay, drains, exits 0 and comes back', () => {
    assert.deepEqual(
      run.restarts.map(r => r.name),
      ['A', 'B'],
    );
    for (const r of run.restarts) {
      assert.ok(
        r.outOfRotation - r.sigterm < 2_000,
        `${r.name}: readiness left 200 ${
          r.outOfRotation - r.sigterm
        } ms after SIGTERM`,
      );
      assert.deepEqual(r.exit, { code: 0, signal: null }, `${r.name}: exit`);
      // The listener stays open for the shutdown delay, so requests the balancer sent before it saw the 503 land.
      assert.ok(
        r.exited - r.sigterm >= SHUTDOWN_DELAY_MS,
        `${r.name}: exited ${
          r.exited - r.sigterm
        } ms after SIGTERM, before the ${SHUTDOWN_DELAY_MS} ms delay`,
      );
      assert.ok(
        r.shutdownLog.some(m => /in-flight requests finished/.test(m)),
        `${r.name}: drain log: ${r.shutdownLog.join(' | ')}`,
      );
    }
  });

  it('both replicas take load before and after their restart', () => {
    for (const r of run.restarts) {
      const served = run.records.filter(x => x.ok && x.replica === r.name);
      assert.ok(
        served.some(x => x.end < r.sigterm),
        `${r.name} served nothing before SIGTERM`,
      );
      assert.ok(
        served.some(x => x.start > r.inRotation),
        `${r.name} served nothing after its restart`,
      );
    }
  });
});
