// Two replicas of the built backend with the production config, as they run behind the load balancer: one
// PostgreSQL database (throwaway), one Redis (throwaway, system-tests/lib/redis.mjs), GitHub sign-in and org from the
// GitHub stand-in (e2e/fixtures/github-standin). Each replica listens on its own free port and is its own origin
// (APP_BASE_URL), so a browser opened on A talks to A only.
//
// `without` switches one shared part off, to see the checks fail without it:
//   events          events.useEventBus: never — each replica hears only its own events (as before the events backend)
//   redis           backend.cache.store: memory — each replica has its own cache
//   shared-database replica A on a database of its own
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startGithubStandin } from '../../e2e/fixtures/github-standin/start.mjs';
// The production e2e suite's own sign-in through the stand-in (TypeScript, loaded by Node 22's type stripping).
import { githubSignIn } from '../../e2e/tests-production/github-sign-in.ts';
import {
  dropDatabaseSync,
  freePorts,
  onExit,
  root,
  startBackend,
  unpackBundleLocked,
  waitFor,
} from './backend.mjs';
import { startRedis } from './redis.mjs';

export const WITHOUT = ['events', 'redis', 'shared-database'];

const withoutLayers = {
  events: 'events:\n  useEventBus: never\n',
  // The connection goes too: its object form is refused with any store but redis.
  redis: 'backend:\n  cache:\n    store: memory\n    connection: null\n',
  'shared-database': '',
};

function psql(sql) {
  execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-qc', sql], {
    stdio: 'ignore',
  });
}

const started = Date.now();
/** One progress line on stdout, with the seconds since the test started: where a slow start spends its time. */
export function progress(what) {
  console.log(
    `[live +${((Date.now() - started) / 1000).toFixed(1)} s] ${what}`,
  );
}

/**
 * Starts the stand-in, Redis, the database and both replicas (A first, so the schema is migrated once); resolves once
 * both are ready and the org from GitHub is in the catalog. `techdocsPage` is published on replica B only:
 * `{ entity: 'default/component/x', html }`.
 */
export async function startCluster({ without, techdocsPage }) {
  if (without && !WITHOUT.includes(without))
    throw new Error(`LIVE_WITHOUT must be one of ${WITHOUT.join(', ')}`);
  const cleanups = [];
  const stop = async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  };
  try {
    const run = `live_${process.pid}_${Date.now()}`;
    const databases = { A: run, B: run };
    if (without === 'shared-database') databases.A = `${run}_a`;
    for (const db of new Set(Object.values(databases))) {
      psql(`CREATE DATABASE ${db}`);
      const cancel = onExit(() => dropDatabaseSync(db));
      cleanups.push(() => {
        dropDatabaseSync(db);
        cancel();
      });
    }

    const redis = await startRedis();
    cleanups.push(redis.stop);
    const standin = await startGithubStandin({
      seed: path.join(root, 'e2e/tests-production/github-seed.json'),
      stderr: 'ignore',
    });
    cleanups.push(standin.stop);

    progress('unpacking the backend bundle (under the build lock)');
    const bundle = await unpackBundleLocked();
    const bundleDir = bundle.dir;
    const cancelBundle = onExit(bundle.remove);
    cleanups.push(() => {
      bundle.remove();
      cancelBundle();
    });
    const extra = path.join(bundleDir, 'app-config.live-without.yaml');
    writeFileSync(extra, withoutLayers[without] ?? '');

    const techdocs = {
      A: mkdtempSync(path.join(bundleDir, 'techdocs-a-')),
      B: mkdtempSync(path.join(bundleDir, 'techdocs-b-')),
    };
    const pageDir = path.join(techdocs.B, techdocsPage.entity);
    mkdirSync(pageDir, { recursive: true });
    writeFileSync(path.join(pageDir, 'index.html'), techdocsPage.html);

    const [portA, portB, unusedPort] = await freePorts(3);
    const notifierToken = `live-notifier-${process.pid}-${Date.now()}`;
    const replica = (name, port) => {
      const base = `http://localhost:${port}`;
      const backend = startBackend({
        bundleDir,
        name: `replica ${name}`,
        cwd: bundleDir,
        configs: [
          'app-config.yaml',
          'app-config.production.yaml',
          path.join(root, 'e2e/app-config.production-test.yaml'),
          path.join(root, 'system-tests/lib/live-app-config.yaml'),
          extra,
        ],
        env: {
          NODE_ENV: 'production',
          APP_BASE_URL: base,
          BACKEND_BASE_URL: base,
          PROD_E2E_PORT: String(port),
          PROD_E2E_DATABASE: databases[name],
          POSTGRES_HOST: '127.0.0.1',
          POSTGRES_PORT: '5432',
          POSTGRES_USER: 'postgres',
          POSTGRES_PASSWORD: 'unused-with-trust-auth',
          AUTH_GITHUB_CLIENT_ID: 'prod-e2e-client-id',
          AUTH_GITHUB_CLIENT_SECRET: 'prod-e2e-client-secret',
          GITHUB_STANDIN_URL: standin.baseUrl,
          GITHUB_STANDIN_HOST: new URL(standin.baseUrl).host,
          GITHUB_TOKEN: 'ghp_prod_e2e_integration',
          GITHUB_ORG: 'example-org',
          BACKEND_CI_TOKEN: 'live-ci-token-unused',
          PAGERDUTY_TOKEN: 'live-pagerduty',
          METRICS_API_URL: `http://127.0.0.1:${unusedPort}`,
          METRICS_API_TOKEN: 'live-metrics',
          K8S_CLUSTER_URL: `https://127.0.0.1:${unusedPort}`,
          K8S_SA_TOKEN: 'live-k8s',
          REDIS_URL: redis.url,
          LIVE_NOTIFIER_TOKEN: notifierToken,
          LIVE_TECHDOCS_DIR: techdocs[name],
          // Required by the production config; live-app-config.yaml publishes TechDocs locally instead.
          TECHDOCS_S3_BUCKET: 'live-techdocs-unused',
          TECHDOCS_S3_REGION: 'eu-west-1',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
      });
      return { name, base, backend };
    };
    const ready = r =>
      waitFor(
        `replica ${r.name} ready`,
        async () =>
          (await fetch(`${r.base}/.backstage/health/v1/readiness`)).ok,
        // 10-30 s on an idle machine; minutes when other test runs share its two cores.
        { backend: r.backend, timeoutMs: 300_000 },
      ).catch(e => {
        // What the replica was doing: the end of its log.
        throw new Error(
          `${e.message}\n${r.backend.log
            .filter(l => !l.includes('"type":"incomingRequest"'))
            .slice(-25)
            .join('\n')}`,
        );
      });
    const replicas = [];
    cleanups.push(async () => {
      const t = Date.now();
      await Promise.all(replicas.map(r => r.backend.stop()));
      progress(`replicas stopped (SIGTERM) in ${Date.now() - t} ms`);
    });
    progress('starting replica A');
    const A = replica('A', portA);
    replicas.push(A);
    await ready(A);
    progress('replica A ready; starting replica B');
    const B = replica('B', portB);
    replicas.push(B);
    await ready(B);
    progress('replica B ready');
    // The org provider has read GitHub (on whichever replica ran it) once bob can sign in through each replica.
    for (const r of [A, B]) {
      r.token = await waitFor(
        `the GitHub org in replica ${r.name}'s catalog`,
        async () => (await githubSignIn(r.base, 'bob')).token,
        { backend: r.backend, timeoutMs: 120_000 },
      );
    }
    progress('the GitHub org is in the catalog: bob signs in through both');
    return { A, B, redis, standin, notifierToken, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

export { githubSignIn, waitFor };
