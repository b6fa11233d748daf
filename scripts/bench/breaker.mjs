// Circuit-breaker overhead: starts the built backend three times in this run (dev config, SQLite in throwaway
// folders): breaker on; breaker off (backend.circuitBreaker.enabled: false, our httpRouter chain without the
// breaker); and the stock chain (neither of our router overrides: backend-defaults' own httpRouter and
// rootHttpRouter, through the bench-only preload scripts/bench/lib/stock-chain.cjs). Loads the same catalog route on
// all with autocannon in alternating rounds, and prints p50/p99 latency and req/s of each with the ratios to the
// stock chain. Target: p50 overhead under 3%.
// Usage: yarn build:backend && yarn bench:breaker [--rounds 3] [--seconds 10] [--connections 10] [--settle 30]
import autocannon from 'autocannon';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  guestToken,
  startBackend,
  unpackBundle,
  waitFor,
} from '../../system-tests/lib/backend.mjs';

const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    settle: { type: 'string', default: '30' },
  },
});
const route =
  '/api/catalog/entities/by-name/component/default/checkout-service';
const bundle = unpackBundle();
const variants = [
  { name: 'breaker on', port: 7201, enabled: true },
  { name: 'breaker off', port: 7202, enabled: false },
  { name: 'stock chain', port: 7203, enabled: true, stockChain: true },
];

function start(variant) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-data-'));
  const override = path.join(dataDir, 'app-config.bench.yaml');
  writeFileSync(
    override,
    [
      'backend:',
      `  baseUrl: http://localhost:${variant.port}`,
      `  listen: { port: ${variant.port} }`,
      `  circuitBreaker: { enabled: ${variant.enabled} }`,
      '',
    ].join('\n'),
  );
  const backend = startBackend({
    bundleDir: bundle.dir,
    name: variant.name,
    cwd: path.join(bundle.dir, 'packages/backend'),
    configs: ['../../app-config.yaml', override],
    env: {
      NODE_ENV: 'development',
      BACKSTAGE_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...(variant.stockChain
        ? {
            NODE_OPTIONS: `${
              process.env.NODE_OPTIONS ?? ''
            } --require ${path.join(
              import.meta.dirname,
              'lib/stock-chain.cjs',
            )}`,
          }
        : {}),
    },
  });
  return {
    ...variant,
    backend,
    dataDir,
    base: `http://localhost:${variant.port}`,
  };
}

async function load(target, seconds) {
  const result = await autocannon({
    url: target.base + route,
    connections: Number(opts.connections),
    duration: seconds,
    headers: { Authorization: `Bearer ${target.token}` },
  });
  if (result.non2xx > 0)
    throw new Error(`${target.name}: ${result.non2xx} non-2xx responses`);
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
  };
}

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const targets = variants.map(start);
try {
  for (const t of targets) {
    await waitFor(
      `${t.name} readiness`,
      async () => (await fetch(`${t.base}/.backstage/health/v1/readiness`)).ok,
      {
        backend: t.backend,
      },
    );
    t.token = await guestToken(t.base);
    await waitFor(
      `${t.name} catalog`,
      async () =>
        (
          await fetch(t.base + route, {
            headers: { Authorization: `Bearer ${t.token}` },
          })
        ).ok,
      {
        backend: t.backend,
      },
    );
    // Which chain serves: our httpRouter registers the catalog's breaker (closed, or disabled when off); the stock
    // chain registers none.
    const status = await (
      await fetch(`${t.base}/api/circuit-breaker/status`, {
        headers: { Authorization: `Bearer ${t.token}` },
      })
    ).json();
    const catalog = status.plugins.find(p => p.pluginId === 'catalog');
    const expected = t.stockChain
      ? undefined
      : t.enabled
      ? 'closed'
      : 'disabled';
    if (catalog?.state !== expected)
      throw new Error(
        `${t.name}: the catalog's breaker is ${
          catalog?.state ?? 'absent'
        }, expected ${expected ?? 'absent'}`,
      );
    await load(t, 3); // warm-up: JIT, caches, connection pools
    t.rounds = [];
  }
  // Let start-up work (catalog stitching, search indexing) finish on both before measuring.
  await new Promise(r => setTimeout(r, Number(opts.settle) * 1000));
  // Alternate the two so that drift on the machine (other processes, thermal) hits both alike.
  for (let round = 0; round < Number(opts.rounds); round++) {
    const order = targets.map((_, i) => targets[(i + round) % targets.length]);
    for (const t of order) {
      t.rounds.push(await load(t, Number(opts.seconds)));
    }
  }
  const summary = targets.map(t => ({
    name: t.name,
    p50: median(t.rounds.map(r => r.p50)),
    p99: median(t.rounds.map(r => r.p99)),
    rps: median(t.rounds.map(r => r.rps)),
  }));
  console.log(
    `GET ${route}, ${opts.connections} connections, ${opts.rounds} rounds of ${opts.seconds}s each (medians)`,
  );
  for (const s of summary) {
    console.log(
      `${s.name.padEnd(12)} p50 ${s.p50.toFixed(2)} ms  p99 ${s.p99.toFixed(
        2,
      )} ms  ${s.rps.toFixed(0)} req/s`,
    );
  }
  const [on, off, stock] = summary;
  const pct = (a, b) => `${((a / b - 1) * 100).toFixed(1)}%`;
  for (const [label, a, b] of [
    ['breaker on/off', on, off],
    ['breaker on/stock chain', on, stock],
    ['breaker off/stock chain', off, stock],
  ]) {
    console.log(
      `${label}: p50 ${pct(a.p50, b.p50)}, p99 ${pct(
        a.p99,
        b.p99,
      )}, req/s ${pct(a.rps, b.rps)}`,
    );
  }
} catch (e) {
  for (const t of targets)
    console.error(
      `--- ${t.name} log tail\n${t.backend.log.slice(-30).join('\n')}`,
    );
  throw e;
} finally {
  for (const t of targets) {
    await t.backend.stop();
    rmSync(t.dataDir, { recursive: true, force: true });
  }
  bundle.remove();
}
