// Metrics that can be scraped: the built backend started as the image starts it, with the OpenTelemetry SDK loaded by
// the Dockerfile CMD's `--require` (packages/backend/instrumentation.js, copied where the image has it), on the real
// local PostgreSQL with the production config. After the catalog is read and a template run through the scaffolder
// (a dry run: no publishing), the Prometheus endpoint on its own port serves
//  - the circuit breakers' series per plugin (requests by outcome, state), for the catalog and the scaffolder;
//  - the catalog's own metrics (entities, processing) and the scaffolder's (tasks and steps run).
// Usage: flock /tmp/backstage-build.lock node --test --test-reporter=spec system-tests/metrics.test.mjs
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import {
  freePort,
  logTailOnFailure,
  onExit,
  productionEnv,
  root,
  startBackend,
  throwawayDatabase,
  unpackBundle,
  waitFor,
  waitReady,
} from './lib/backend.mjs';

/** The `--require` module of the Dockerfile's CMD, relative to the image's working directory. */
function imageInstrumentation() {
  const cmd = [
    ...readFileSync(path.join(root, 'Dockerfile'), 'utf8').matchAll(
      /^CMD\s+(\[.*\])\s*$/gm,
    ),
  ].pop();
  const args = JSON.parse(cmd[1]);
  const at = args.indexOf('--require');
  assert.ok(
    at > 0,
    `the Dockerfile's CMD loads no --require module: ${cmd[1]}`,
  );
  return args[at + 1];
}

const token = `metrics-${process.pid}-${Date.now()}`;
let bundle;
let keepBundle;
let db;
let base;
let metricsUrl;
let backend;

before(async () => {
  const [port, metricsPort] = [await freePort(), await freePort()];
  base = `http://localhost:${port}`;
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  bundle = unpackBundle();
  keepBundle = onExit(bundle.remove);
  // Where the Dockerfile copies it (COPY packages/backend/instrumentation.js ...), loaded as its CMD loads it.
  const instrumentation = path.join(bundle.dir, imageInstrumentation());
  mkdirSync(path.dirname(instrumentation), { recursive: true });
  cpSync(
    path.join(root, 'packages/backend/instrumentation.js'),
    instrumentation,
  );
  db = await throwawayDatabase('backstage_metrics');
  // One service token for every plugin (production's CI token reaches the catalog only, not the scaffolder).
  writeFileSync(
    path.join(bundle.dir, 'app-config.test.yaml'),
    [
      'backend:',
      `  listen: ':${port}'`,
      '  database:',
      '    pluginDivisionMode: schema',
      '    connection:',
      `      database: ${db.name}`,
      '  auth:',
      '    externalAccess:',
      '      - type: static',
      `        options: { token: ${token}, subject: metrics-test }`,
      '',
    ].join('\n'),
  );
  backend = startBackend({
    bundleDir: bundle.dir,
    name: 'instrumented',
    cwd: bundle.dir,
    configs: [
      'app-config.yaml',
      'app-config.production.yaml',
      'app-config.test.yaml',
    ],
    env: productionEnv({
      base,
      ciToken: `ci-${token}`,
      NODE_OPTIONS: `--require ${instrumentation}`,
      OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
    }),
  });
  await waitReady(base, backend, { timeoutMs: 90_000 });
});
after(async () => {
  await backend?.stop();
  await db?.drop();
  bundle?.remove();
  keepBundle?.();
});
afterEach(logTailOnFailure(() => backend));

const api = (route, init = {}) =>
  fetch(`${base}${route}`, {
    ...init,
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
      ...init.headers,
    },
  });

/** The scrape: Prometheus text format; the sample lines whose metric name is `name`. */
async function samples(name) {
  const res = await fetch(metricsUrl).catch(e => {
    throw new Error(
      `nothing answers on ${metricsUrl} (is the OpenTelemetry SDK loaded with --require?): ${
        e.cause ?? e
      }`,
    );
  });
  const text = await res.text();
  return text.split('\n').filter(l => l.startsWith(`${name}{`));
}

test('the catalog is read and a template runs (dry run) through the scaffolder', async () => {
  await waitFor(
    'checkout-service in the catalog',
    async () =>
      (
        await api(
          '/api/catalog/entities/by-name/component/default/checkout-service',
        )
      ).ok,
    { backend, timeoutMs: 60_000 },
  );
  const res = await api('/api/scaffolder/v2/dry-run', {
    method: 'POST',
    body: JSON.stringify({
      template: {
        apiVersion: 'scaffolder.backstage.io/v1beta3',
        kind: 'Template',
        metadata: { name: 'metrics-probe' },
        spec: {
          type: 'service',
          parameters: [],
          steps: [
            {
              id: 'log',
              name: 'Log',
              action: 'debug:log',
              input: { message: 'metrics probe' },
            },
          ],
        },
      },
      values: {},
      secrets: {},
      directoryContents: [],
    }),
  });
  assert.equal(res.status, 200, (await res.text()).slice(0, 500));
});

test('Prometheus scrape: circuit-breaker series per plugin', async () => {
  const requests = await samples('backstage_circuit_breaker_requests_total');
  for (const plugin of ['catalog', 'scaffolder'])
    assert.ok(
      requests.some(
        l =>
          l.includes(`plugin="${plugin}"`) && l.includes('outcome="success"'),
      ),
      `no successful ${plugin} requests in:\n${requests.join('\n')}`,
    );
  const state = await samples('backstage_circuit_breaker_state');
  assert.ok(
    state.some(l => /plugin="catalog"/.test(l) && / 0$/.test(l)),
    `catalog breaker not closed (0):\n${state.join('\n')}`,
  );
});

test("Prometheus scrape: the catalog's and the scaffolder's own metrics", async () => {
  const entities = await samples('catalog_entities_count');
  assert.ok(
    entities.some(l => /kind="component"/i.test(l)),
    `no component count:\n${entities.join('\n')}`,
  );
  assert.ok(
    (await samples('catalog_processed_entities_count_total')).length > 0,
    'no catalog_processed_entities_count_total',
  );
  // The dry run: one task and its one step (named 'Log'), both completed.
  const tasks = await samples('scaffolder_task_count_total');
  assert.ok(
    tasks.some(l => l.includes('result="ok"')),
    `no completed scaffolder task:\n${tasks.join('\n')}`,
  );
  const steps = await samples('scaffolder_step_count_total');
  assert.ok(
    steps.some(l => l.includes('step="Log"') && l.includes('result="ok"')),
    `no completed scaffolder step:\n${steps.join('\n')}`,
  );
});
