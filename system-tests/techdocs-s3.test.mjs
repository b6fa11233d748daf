// TechDocs in production (README, "TechDocs in production"): docs built in CI, published to S3, read by the portal.
// The built backend with the production config on the real local PostgreSQL, its S3 client pointed at an
// S3-compatible stand-in (npm s3rver, in-process, files in a temp folder); sign-in through the GitHub stand-in.
// Before the start, the fixture site (system-tests/fixtures/techdocs-s3/site: what `techdocs-cli generate` leaves)
// is published as CI publishes it: @backstage/plugin-techdocs-node's AwsS3Publish (the code `techdocs-cli publish
// --publisher-type awsS3` runs, at the backend's version), credentials from the environment, never from config.
// Checks:
//  - a signed-in user gets the docs pages and the metadata from the bucket, a missing page is a 404, no token a 401;
//  - the portal never builds (builder external): sync answers "not updated" at once, nothing is prepared or
//    generated, the bucket is unchanged;
//  - search on PostgreSQL finds the docs pages by a word of their body and of their title once the techdocs
//    collator has run (the collator reads search/search_index.json through the same S3 route).
// TECHDOCS_S3_WITHOUT=publish|awsS3|external removes one part, to see the checks fail without it: the site is not
// published (empty bucket), the publisher is `local` (as in development), the builder is `local`.
// Usage: node --test --test-reporter=spec system-tests/techdocs-s3.test.mjs (takes the build lock while unpacking)
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { ConfigReader } from '@backstage/config';
import { Publisher } from '@backstage/plugin-techdocs-node';
import S3rver from 's3rver';
import { startGithubStandin } from '../e2e/fixtures/github-standin/start.mjs';
import { githubSignIn } from '../e2e/tests-production/github-sign-in.ts';
import {
  freePorts,
  logTailOnFailure,
  onExit,
  productionEnv,
  root,
  sql,
  startBackend,
  throwawayDatabase,
  unpackBundleLocked,
  waitFor,
  waitReady,
} from './lib/backend.mjs';

const WITHOUT = process.env.TECHDOCS_S3_WITHOUT;
const withoutLayers = {
  publish: '',
  awsS3: 'techdocs:\n  publisher:\n    type: local\n',
  external: 'techdocs:\n  builder: local\n',
};
if (WITHOUT && !(WITHOUT in withoutLayers))
  throw new Error(
    `TECHDOCS_S3_WITHOUT must be one of ${Object.keys(withoutLayers).join(
      ', ',
    )}`,
  );

const fixtures = path.join(root, 'system-tests/fixtures');
const site = path.join(fixtures, 'techdocs-s3/site');
const entity = {
  namespace: 'default',
  kind: 'Component',
  name: 'techdocs-s3-probe',
};
const docsPath =
  '/api/techdocs/static/docs/default/component/techdocs-s3-probe';
const BUCKET = 'portal-techdocs-test';
const REGION = 'eu-west-1';
// s3rver's default key pair; the AWS SDK's default chain reads them from the environment (here and in the backend).
const credentials = {
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
};

let s3;
let s3Dir;
let s3Endpoint;
let standin;
let db;
let bundle;
let keepBundle;
let backend;
let base;
let token;
/** Build steps the backend logs when it builds docs itself (DocsSynchronizer / generator / preparer). */
const buildLines = () =>
  backend.log.filter(l =>
    /Step \d of \d|Preparing docs|Generating docs|Running mkdocs|mkdocs build|Publishing docs/i.test(
      l,
    ),
  );

/** Publishes `dir` for `entity` as `techdocs-cli publish --publisher-type awsS3 --awsEndpoint … --awsS3ForcePathStyle` does. */
async function publishToStandin(dir) {
  const logged = [];
  const logger = {
    info: m => logged.push(m),
    warn: m => logged.push(m),
    error: m => logged.push(m),
    debug() {},
    child: () => logger,
  };
  const config = new ConfigReader({
    techdocs: {
      publisher: {
        type: 'awsS3',
        awsS3: {
          bucketName: BUCKET,
          region: REGION,
          endpoint: s3Endpoint,
          s3ForcePathStyle: true,
        },
      },
    },
  });
  const publisher = await Publisher.fromConfig(config, {
    logger,
    discovery: {
      getBaseUrl: async () => 'http://127.0.0.1:9',
      getExternalBaseUrl: async () => 'http://127.0.0.1:9',
    },
  });
  const { isAvailable } = await publisher.getReadiness();
  assert.ok(isAvailable, `the S3 stand-in is not ready: ${logged.join('\n')}`);
  return publisher.publish({
    entity: {
      kind: entity.kind,
      metadata: { namespace: entity.namespace, name: entity.name },
    },
    directory: dir,
  });
}

/** Object keys in the stand-in's bucket (its own S3 API: ListObjectsV2, path style). */
async function bucketKeys() {
  const res = await fetch(`${s3Endpoint}/${BUCKET}?list-type=2`);
  assert.equal(res.status, 200);
  return [...(await res.text()).matchAll(/<Key>([^<]+)<\/Key>/g)]
    .map(m => m[1])
    .sort();
}

before(async () => {
  const started = Date.now();
  Object.assign(process.env, credentials, {
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  const [s3Port, port] = await freePorts(2);
  s3Dir = mkdtempSync(path.join(tmpdir(), 'techdocs-s3-'));
  onExit(() => rmSync(s3Dir, { recursive: true, force: true }));
  s3 = new S3rver({
    address: '127.0.0.1',
    port: s3Port,
    silent: true,
    directory: s3Dir,
    configureBuckets: [{ name: BUCKET }],
  });
  await s3.run();
  s3Endpoint = `http://127.0.0.1:${s3Port}`;
  if (WITHOUT !== 'publish') await publishToStandin(site);

  standin = await startGithubStandin({
    seed: path.join(root, 'e2e/tests-production/github-seed.json'),
    stderr: 'ignore',
  });
  db = await throwawayDatabase('backstage_techdocs_s3');
  bundle = await unpackBundleLocked();
  const unpacked = Date.now();
  keepBundle = onExit(bundle.remove);
  const withoutLayer = path.join(
    bundle.dir,
    'app-config.techdocs-without.yaml',
  );
  writeFileSync(withoutLayer, withoutLayers[WITHOUT] ?? '');
  base = `http://localhost:${port}`;
  backend = startBackend({
    bundleDir: bundle.dir,
    name: 'techdocs-s3',
    cwd: bundle.dir,
    configs: [
      'app-config.yaml',
      'app-config.production.yaml',
      path.join(root, 'e2e/app-config.production-test.yaml'),
      path.join(fixtures, 'app-config.techdocs-s3.yaml'),
      withoutLayer,
    ],
    env: productionEnv({
      base,
      ciToken: `techdocs-ci-${process.pid}`,
      ...credentials,
      TECHDOCS_S3_BUCKET: BUCKET,
      TECHDOCS_S3_REGION: REGION,
      TECHDOCS_TEST_S3_ENDPOINT: s3Endpoint,
      TECHDOCS_TEST_CATALOG: path.join(
        fixtures,
        'techdocs-s3/catalog-info.yaml',
      ),
      PROD_E2E_PORT: String(port),
      PROD_E2E_DATABASE: db.name,
      GITHUB_STANDIN_URL: standin.baseUrl,
      GITHUB_STANDIN_HOST: new URL(standin.baseUrl).host,
      GITHUB_ORG: 'example-org',
      AUTH_GITHUB_CLIENT_ID: 'prod-e2e-client-id',
      AUTH_GITHUB_CLIENT_SECRET: 'prod-e2e-client-secret',
      GITHUB_TOKEN: 'ghp_prod_e2e_integration',
    }),
  });
  await waitReady(base, backend, { timeoutMs: 120_000 });
  // bob is in the catalog once the org provider has read the GitHub stand-in.
  token = await waitFor(
    'bob to sign in through GitHub',
    async () => (await githubSignIn(base, 'bob')).token,
    { backend, timeoutMs: 60_000 },
  );
  // The fixture component is in the catalog (the docs routes load it to check the reader may see it).
  await waitFor(
    'the fixture component in the catalog',
    async () =>
      (
        await api(
          `/api/catalog/entities/by-name/component/default/${entity.name}`,
        )
      ).ok,
    { backend, timeoutMs: 60_000 },
  );
  const s = ms => `${(ms / 1000).toFixed(1)} s`;
  console.log(
    `# stand-ins, publish and unpack (with the build lock's wait) ${s(
      unpacked - started,
    )}; ` +
      `backend start to signed in with the component in the catalog ${s(
        Date.now() - unpacked,
      )}`,
  );
});
after(async () => {
  await backend?.stop();
  await standin?.stop();
  await s3?.close();
  await db?.drop();
  bundle?.remove();
  keepBundle?.();
  if (s3Dir) rmSync(s3Dir, { recursive: true, force: true });
  // With the local builder (TECHDOCS_S3_WITHOUT=external) upstream's generator writes a default mkdocs.yml into the
  // entity's dir: source folder, the fixture folder; the fixture itself has none.
  if (WITHOUT === 'external')
    rmSync(path.join(fixtures, 'techdocs-s3/mkdocs.yml'), { force: true });
});
afterEach(logTailOnFailure(() => backend));

function api(route, { auth = true } = {}) {
  return fetch(`${base}${route}`, {
    headers: auth ? { Authorization: `Bearer ${token}` } : {},
  });
}

test('a signed-in user gets the docs pages and metadata from the bucket', async () => {
  const page = await api(`${docsPath}/index.html`);
  assert.equal(page.status, 200);
  // As upstream serves every HTML page (the reader injects it into its shadow DOM): never rendered by the browser
  // on the portal's origin.
  assert.equal(page.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(
    await page.text(),
    readFileSync(path.join(site, 'index.html'), 'utf8'),
  );

  const runbook = await api(`${docsPath}/runbook/index.html`);
  assert.equal(runbook.status, 200);
  assert.match(await runbook.text(), /probe marker: s3-served-runbook/);

  const expected = JSON.parse(
    readFileSync(path.join(site, 'techdocs_metadata.json'), 'utf8'),
  );
  const metadata = await api(
    '/api/techdocs/metadata/techdocs/default/component/techdocs-s3-probe',
  );
  assert.equal(metadata.status, 200);
  assert.deepEqual(await metadata.json(), expected);
  const raw = await api(`${docsPath}/techdocs_metadata.json`);
  assert.equal(raw.status, 200);
  assert.match(raw.headers.get('content-type'), /^application\/json/);
  assert.deepEqual(await raw.json(), expected);
});

test('a page the site does not have is a 404; without a token, a 401', async () => {
  assert.equal((await api(`${docsPath}/no-such-page/index.html`)).status, 404);
  assert.equal(
    (
      await api(
        '/api/techdocs/static/docs/default/component/not-in-catalog/index.html',
      )
    ).status,
    404,
  );
  assert.equal(
    (await api(`${docsPath}/index.html`, { auth: false })).status,
    401,
  );
  assert.equal(
    (
      await api(
        '/api/techdocs/metadata/techdocs/default/component/techdocs-s3-probe',
        { auth: false },
      )
    ).status,
    401,
  );
});

test('the portal never builds docs: sync answers "not updated" at once, nothing is generated, the bucket is unchanged', async () => {
  const before = await bucketKeys();
  const started = Date.now();
  const sync = await api(
    '/api/techdocs/sync/default/component/techdocs-s3-probe',
  );
  assert.equal(sync.status, 200);
  assert.match(sync.headers.get('content-type'), /^text\/event-stream/);
  const events = await sync.text();
  const seconds = (Date.now() - started) / 1000;
  assert.equal(events, 'event: finish\ndata: {"updated":false}\n\n');
  assert.ok(seconds < 5, `sync took ${seconds} s`);
  assert.deepEqual(buildLines(), []);
  assert.deepEqual(await bucketKeys(), before);
  assert.deepEqual(before, [
    'default/component/techdocs-s3-probe/index.html',
    'default/component/techdocs-s3-probe/runbook/index.html',
    'default/component/techdocs-s3-probe/search/search_index.json',
    'default/component/techdocs-s3-probe/techdocs_metadata.json',
  ]);
});

test('search on PostgreSQL finds the docs pages by a word of their body and of their title', async t => {
  const search = async term => {
    const res = await api(
      `/api/search/query?term=${encodeURIComponent(
        term,
      )}&types%5B0%5D=techdocs`,
    );
    assert.equal(res.status, 200);
    return (await res.json()).results.map(r => ({
      type: r.type,
      title: r.document.title,
      location: r.document.location,
    }));
  };
  const started = Date.now();
  // The collator runs every 5 s in this test (fixtures/app-config.techdocs-s3.yaml); production every 10 minutes.
  const byBody = await waitFor(
    'the techdocs collator to index the docs',
    async () => {
      const results = await search('quokka');
      return results.length > 0 && results;
    },
    { backend, timeoutMs: 30_000 },
  );
  t.diagnostic(
    `indexed ${((Date.now() - started) / 1000).toFixed(
      1,
    )} s after the first query`,
  );
  assert.deepEqual(byBody, [
    {
      type: 'techdocs',
      title: 'Escalation runbook',
      location: '/docs/default/component/techdocs-s3-probe/runbook/',
    },
  ]);
  assert.deepEqual(await search('escalation'), byBody);
  // The index is PostgreSQL's (the search plugin's schema in the test database), not process memory.
  const rows = await sql(
    db.name,
    "SELECT document->>'location' AS location FROM search.documents WHERE type = 'techdocs' ORDER BY 1",
  );
  assert.deepEqual(
    rows.map(r => r.location),
    [
      '/docs/default/component/techdocs-s3-probe/',
      '/docs/default/component/techdocs-s3-probe/runbook/',
    ],
  );
});
