import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  routerPlugin,
  startBreakerBackend,
  statusOf,
} from '../__testUtils__/breakerBackend';

/** A plugin that always answers 200; it also opens one route to unauthenticated callers. */
const healthyPlugin = routerPlugin(
  'healthy',
  router => {
    router.get('/ping', (_req, res) => {
      res.json({ ok: true });
    });
    router.get('/public', (_req, res) => {
      res.json({ public: true });
    });
  },
  ['/public'],
);

/** A plugin whose `/work` throws (rendered as 500 by the error middleware) while `flaky.failing` is set. */
const flaky = { failing: true, slowMs: 0 };
const flakyPlugin = routerPlugin('flaky', router => {
  router.get('/work', async (_req, res) => {
    if (flaky.failing) throw new Error('flaky plugin failure');
    res.json({ ok: true });
  });
  router.get('/not-found', (_req, res) => {
    res.status(404).json({ error: 'nothing here' });
  });
  router.get('/slow', async (_req, res) => {
    await new Promise(r => setTimeout(r, flaky.slowMs));
    res.json({ slow: true });
  });
});

const defaults = {
  volumeThreshold: 4,
  errorThresholdPercentage: 50,
  resetTimeout: 400,
  rollingCountTimeout: 10_000,
  timeout: 2_000,
};

function startBackend(
  circuitBreaker: object,
  options: { anonymous?: boolean } = {},
) {
  return startBreakerBackend(
    circuitBreaker,
    [healthyPlugin, flakyPlugin],
    options,
  );
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Distinct signed-in callers, so failures are seen by several principals (a plugin failure, not one caller's). */
const CALLERS = ['a', 'b', 'c', 'd'].map(n =>
  mockCredentials.user.header(`user:default/${n}`),
);
const as = (i: number) => CALLERS[i % CALLERS.length];
/** The i-th call of `/api/flaky/work`, from the i-th caller. */
const work = (server: any, i: number) =>
  request(server).get('/api/flaky/work').set('Authorization', as(i));

beforeEach(() => {
  flaky.failing = true;
  flaky.slowMs = 0;
});

describe('circuitBreakerHttpRouterServiceFactory', () => {
  it('opens a plugin failing for several callers, answers 503 with Retry-After, half-opens and closes, while others stay up', async () => {
    const server = await startBackend({ defaults });

    for (let i = 0; i < defaults.volumeThreshold; i++) {
      expect((await work(server, i)).status).toBe(500);
      expect((await request(server).get('/api/healthy/ping')).status).toBe(200);
    }

    const rejected = await request(server).get('/api/flaky/work');
    expect(rejected.status).toBe(503);
    expect(rejected.body.error.name).toBe('ServiceUnavailableError');
    expect(rejected.body.error.message).toMatch(
      /flaky plugin .* circuit breaker is open/,
    );
    expect(Number(rejected.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await request(server).get('/api/healthy/ping')).status).toBe(200);
    expect((await statusOf(server, 'flaky')).state).toBe('open');
    expect((await statusOf(server, 'healthy')).state).toBe('closed');

    // After resetTimeout one trial request goes through; it fails, so the breaker opens again.
    await sleep(defaults.resetTimeout + 100);
    expect((await request(server).get('/api/flaky/work')).status).toBe(500);
    expect((await request(server).get('/api/flaky/work')).status).toBe(503);

    // The plugin recovers: the next trial succeeds and closes the breaker.
    flaky.failing = false;
    await sleep(defaults.resetTimeout + 100);
    expect((await request(server).get('/api/flaky/work')).status).toBe(200);
    expect((await request(server).get('/api/flaky/work')).status).toBe(200);
    const status = await statusOf(server, 'flaky');
    expect(status.state).toBe('closed');
    expect(status.stats.failures).toBeGreaterThanOrEqual(
      defaults.volumeThreshold,
    );
    expect(status.stats.rejects).toBeGreaterThanOrEqual(2);
  });

  it('does not count 4xx responses as failures', async () => {
    const server = await startBackend({ defaults });
    for (let i = 0; i < 10; i++) {
      expect((await request(server).get('/api/flaky/not-found')).status).toBe(
        404,
      );
    }
    expect((await request(server).get('/api/flaky/not-found')).status).toBe(
      404,
    );
    expect((await statusOf(server, 'flaky')).state).toBe('closed');
  });

  it('reports a request past the timeout as slow, delivers it, and never counts a slow success as a failure', async () => {
    const server = await startBackend({
      defaults: { ...defaults, timeout: 50, volumeThreshold: 2 },
    });
    flaky.slowMs = 150;
    const slow = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        request(server).get('/api/flaky/slow').set('Authorization', as(i)),
      ),
    );
    expect(slow.map(r => r.status)).toEqual(Array(8).fill(200));
    const status = await statusOf(server, 'flaky');
    expect(status.stats.timeouts).toBe(8);
    expect(status.stats.failures).toBe(0);
    expect(status.state).toBe('closed');
    expect(status.throttledCount).toBe(0);
  });

  it('keeps the credentials barrier: 401s never open a breaker, plugin auth policies still apply', async () => {
    const server = await startBackend({ defaults }, { anonymous: true });
    for (let i = 0; i < 10; i++) {
      expect((await request(server).get('/api/flaky/work')).status).toBe(401);
    }
    expect((await request(server).get('/api/healthy/public')).status).toBe(200);
    expect((await request(server).get('/api/healthy/ping')).status).toBe(401);
    // The status API is itself behind the default policy.
    expect(
      (await request(server).get('/api/circuit-breaker/status')).status,
    ).toBe(401);
    const status = await statusOf(server, 'flaky');
    expect(status.state).toBe('closed');
    expect(status.stats.failures).toBe(0);
  });

  it('merges per-plugin settings over the defaults and exempts disabled plugins', async () => {
    const server = await startBackend({
      defaults,
      plugins: {
        flaky: { volumeThreshold: 2 },
        healthy: { enabled: false },
      },
    });
    const flakyStatus = await statusOf(server, 'flaky');
    expect(flakyStatus.settings).toEqual({
      ...defaults,
      minFailingCallers: 3,
      volumeThreshold: 2,
    });
    expect((await statusOf(server, 'healthy')).state).toBe('disabled');

    for (let i = 0; i < 3; i++) {
      expect((await work(server, i)).status).toBe(500);
    }
    expect((await request(server).get('/api/flaky/work')).status).toBe(503);
  });

  it('never opens an exempted plugin', async () => {
    const server = await startBackend({
      defaults,
      plugins: { flaky: { enabled: false } },
    });
    for (let i = 0; i < 3 * defaults.volumeThreshold; i++) {
      expect((await request(server).get('/api/flaky/work')).status).toBe(500);
    }
  });

  it('serves every plugin without a breaker when disabled globally', async () => {
    const server = await startBackend({ enabled: false, defaults });
    for (let i = 0; i < 3 * defaults.volumeThreshold; i++) {
      expect((await request(server).get('/api/flaky/work')).status).toBe(500);
    }
    expect((await statusOf(server, 'flaky')).state).toBe('disabled');
  });

  it('refuses to start with invalid settings', async () => {
    await expect(
      startBackend({
        defaults: { ...defaults, errorThresholdPercentage: 150 },
      }),
    ).rejects.toThrow(/errorThresholdPercentage/);
  });
});
