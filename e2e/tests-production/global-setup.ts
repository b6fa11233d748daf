/**
 * Starts what the production-config suite runs against, as the container runs it: the GitHub stand-in, a throwaway
 * PostgreSQL database and the built backend (bundle unpacked like the image, serving the built app) with
 * app-config.yaml + app-config.production.yaml + e2e/app-config.production-test.yaml, on free ports.
 * Tests read the addresses from process.env (PROD_E2E_*); the returned function stops everything.
 */
import { execFileSync, spawn } from 'child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { githubSignIn } from './github-sign-in';

const root = path.resolve(__dirname, '../..');

export const CI_TOKEN = 'prod-e2e-ci-token-0123456789';

function psql(sql: string) {
  execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-qc', sql], {
    stdio: 'ignore',
  });
}

async function startStandin(): Promise<{
  url: string;
  data: string;
  stop: () => Promise<void>;
}> {
  const child = spawn(
    process.execPath,
    [
      path.join(root, 'e2e/fixtures/github-standin/server.mjs'),
      '--port',
      '0',
      '--seed',
      path.join(__dirname, 'github-seed.json'),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', d => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.once('exit', code => reject(new Error(`stand-in exited ${code}`)));
  });
  const { baseUrl, data } = JSON.parse(line);
  return {
    url: baseUrl,
    data,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await new Promise(r => child.once('exit', r));
    },
  };
}

export default async function globalSetup() {
  const lib = await import(path.join(root, 'system-tests/lib/backend.mjs'));
  const { freePorts } = await import(
    path.join(root, 'system-tests/lib/backend.mjs')
  );
  const [port, unusedPort] = await freePorts(2);
  const database = `prod_e2e_${process.pid}_${Date.now()}`;
  // Everything started is undone in reverse order, when the setup fails half-way and when the run ends.
  const cleanups: Array<() => unknown> = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c();
  };

  try {
    psql(`CREATE DATABASE ${database}`);
    cleanups.push(() =>
      psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
    );
    const standin = await startStandin();
    cleanups.push(standin.stop);
    // The production config's shared cache (backend.cache): a throwaway Redis on a free port.
    const { startRedis } = await import(
      path.join(root, 'system-tests/lib/redis.mjs')
    );
    const redis = await startRedis();
    cleanups.push(redis.stop);
    // Unpacked under the build lock: another `yarn build:backend` may be rewriting dist/ right now.
    const bundleDir = execFileSync(
      'flock',
      [
        '/tmp/backstage-build.lock',
        process.execPath,
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(
          path.join(root, 'system-tests/lib/backend.mjs'),
        )}); process.stdout.write(m.unpackBundle().dir);`,
      ],
      { encoding: 'utf8' },
    );
    cleanups.push(() => rmSync(bundleDir, { recursive: true, force: true }));

    const base = `http://localhost:${port}`;
    const backend = lib.startBackend({
      bundleDir,
      name: 'production',
      cwd: bundleDir,
      configs: [
        'app-config.yaml',
        'app-config.production.yaml',
        path.join(root, 'e2e/app-config.production-test.yaml'),
      ],
      env: {
        NODE_ENV: 'production',
        APP_BASE_URL: base,
        BACKEND_BASE_URL: base,
        PROD_E2E_PORT: String(port),
        PROD_E2E_DATABASE: database,
        POSTGRES_HOST: '127.0.0.1',
        POSTGRES_PORT: '5432',
        POSTGRES_USER: 'postgres',
        POSTGRES_PASSWORD: 'unused-with-trust-auth',
        AUTH_GITHUB_CLIENT_ID: 'prod-e2e-client-id',
        AUTH_GITHUB_CLIENT_SECRET: 'prod-e2e-client-secret',
        GITHUB_STANDIN_URL: standin.url,
        GITHUB_STANDIN_HOST: new URL(standin.url).host,
        GITHUB_TOKEN: 'ghp_prod_e2e_integration',
        GITHUB_ORG: 'example-org',
        BACKEND_CI_TOKEN: CI_TOKEN,
        // Configured in production, not exercised here: addresses where nothing listens.
        PAGERDUTY_TOKEN: 'prod-e2e-pagerduty',
        METRICS_API_URL: `http://127.0.0.1:${unusedPort}`,
        METRICS_API_TOKEN: 'prod-e2e-metrics',
        K8S_CLUSTER_URL: `https://127.0.0.1:${unusedPort}`,
        K8S_SA_TOKEN: 'prod-e2e-k8s',
        REDIS_URL: redis.url,
        // TechDocs' S3 bucket (not exercised here: system-tests/techdocs-s3.test.mjs serves docs from an S3 stand-in).
        TECHDOCS_S3_BUCKET: 'prod-e2e-techdocs-unused',
        TECHDOCS_S3_REGION: 'eu-west-1',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    });
    // The backend's output, flushed to a file every second: tests check that no secret reached the log. At the
    // end it is kept beside the Playwright output, for a failed run.
    const logFile = path.join(os.tmpdir(), `${database}-backend.log`);
    const flush = () => writeFileSync(logFile, backend.log.join('\n'));
    const flusher = setInterval(flush, 1000);
    cleanups.push(() => rmSync(logFile, { force: true }));
    cleanups.push(async () => {
      clearInterval(flusher);
      await backend.stop();
      flush();
      const out = path.join(root, 'e2e-test-results-production');
      mkdirSync(out, { recursive: true });
      copyFileSync(logFile, path.join(out, 'production-backend.log'));
    });

    await lib.waitFor(
      'readiness',
      async () => (await fetch(`${base}/.backstage/health/v1/readiness`)).ok,
      { backend },
    );
    // The org provider has read GitHub once bob (a squad member) can sign in.
    await lib.waitFor(
      'the GitHub org in the catalog',
      async () => {
        const { token, error } = await githubSignIn(base, 'bob');
        if (error) throw new Error(`${error.name}: ${error.message}`);
        return token;
      },
      { backend, timeoutMs: 120_000 },
    );
    // The manage page's mirror of the catalog (synced on a schedule) knows bob's team.
    await lib.waitFor(
      "the manage summary of bob's team",
      async () => {
        const { token } = await githubSignIn(base, 'bob');
        const res = await fetch(
          `${base}/api/manage/teams/${encodeURIComponent(
            'group:default/checkout',
          )}/summary`,
          { headers: { Authorization: `Bearer ${token}` } },
        );
        return res.ok;
      },
      { backend, timeoutMs: 120_000 },
    );
    process.env.PROD_E2E_BASE = base;
    process.env.PROD_E2E_STANDIN = standin.url;
    process.env.PROD_E2E_CI_TOKEN = CI_TOKEN;
    process.env.PROD_E2E_STANDIN_DATA = standin.data;
    process.env.PROD_E2E_BACKEND_LOG = logFile;
  } catch (e) {
    await cleanup();
    throw e;
  }
  return cleanup;
}
