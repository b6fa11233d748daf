// SIGTERM during scaffolder tasks never leaves one `failed` (scaffolderGracefulShutdownModule in
// plugins/graceful-shutdown-backend). The built backend on PostgreSQL, with the production drain (serverShutdownDelay,
// drainTimeout), gets SIGTERM while it runs two tasks and serves a slow request (a client still sending its body):
//  - the crash probe (fixtures/crash-probe.yaml, startOver), paused inside publish:git-local:change after its side
//    effect (scaffolder.goldenPath.testPauseAfterSideEffect); its next step registers in the catalog through this
//    backend's HTTP API;
//  - the recovery probe (fixtures/recovery-probe.yaml, startOver) in its wait step.
// The slow request keeps the process draining after the listener closed, long enough for the crash probe's pause to
// end. Without the module its registration is refused (ECONNREFUSED) and both tasks end `failed` for good. With it,
// the scaffolder's database client is closed before the listener: both stay `processing`, and after the restart task
// recovery runs them to `completed`, every side effect once (one repository each, one change commit, one catalog
// location each).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import {
  guestToken,
  logTailOnFailure,
  onExit,
  sql,
  unpackBundle,
  waitFor,
  waitReady,
} from './lib/backend.mjs';
import {
  apiClient,
  scaffolderBackend,
  taskSubmitter,
} from './lib/scaffolder-harness.mjs';

const CRASH_TEMPLATE = 'recovery-crash-probe';
const WAIT_TEMPLATE = 'recovery-probe';
// The crash probe pauses this long after each side effect: its pause in the change step ends while the slow request
// still holds the drain (SLOW_REQUEST_SECONDS after SIGTERM).
const PAUSE_SECONDS = 3;
const SLOW_REQUEST_SECONDS = 8;
const WAIT_SECONDS = 10;
const TERMINAL = ['completed', 'failed', 'cancelled'];

const git = (cwd, ...args) =>
  execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'] })
    .toString()
    .trim()
    .split('\n')
    .filter(Boolean);

let bundle;
let keepBundle;
let harness;
let backend;
let api;
let token;
const tasks = {};
const statusAtExit = {};
let exit;

before(async () => {
  bundle = unpackBundle();
  keepBundle = onExit(bundle.remove);
  harness = await scaffolderBackend({
    bundle,
    db: 'pg',
    // The harness writes this right after backend.database: the indented keys belong to `backend`. The drain as in
    // production (app-config.production.yaml), shorter serverShutdownDelay.
    extraConfig:
      `  lifecycle:\n    serverShutdownDelay: 1s\n` +
      `  gracefulShutdown:\n    drainTimeout: 15s\n    exitTimeout: 25s\n` +
      `scaffolder:\n  taskRecovery:\n    staleTimeout: { seconds: 5 }\n` +
      `  goldenPath:\n    testPauseAfterSideEffect:\n` +
      `      seconds: ${PAUSE_SECONDS}\n      template: template:default/${CRASH_TEMPLATE}\n`,
  });
  api = apiClient(harness.base);
  backend = harness.start('first run');
  token = await harness.ready(backend, [CRASH_TEMPLATE, WAIT_TEMPLATE]);
});

after(async () => {
  await backend?.stop();
  await harness?.cleanup();
  bundle?.remove();
  keepBundle?.();
});

afterEach(
  logTailOnFailure(() => backend, { keep: l => !/rootHttpRouter/.test(l) }),
);

const messages = async id =>
  (await api(token, 'GET', `/api/scaffolder/v2/tasks/${id}/events`)).map(e =>
    e.type === 'recovered' ? '[recovered]' : e.body.message ?? '',
  );
const storedStatus = async id =>
  (
    await sql(
      harness.dbName,
      `SELECT status FROM scaffolder.tasks WHERE id = '${id}'`,
    )
  )[0]?.status;

/**
 * A request whose client sends its body slowly: in flight (headers read, the body parser waiting) until `seconds`
 * have passed. A route that calls nothing else (a catalog read would ask the permission backend over HTTP, refused
 * once the listener is closed). Resolves with the status code.
 */
function slowRequest(seconds) {
  const body = JSON.stringify({ file: 'slow.yaml', content: 'title: x' });
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${harness.base}/api/tech-migrations/definitions/validate`,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      res => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', reject);
    req.write(body.slice(0, 5));
    setTimeout(() => req.end(body.slice(5)), seconds * 1000);
  });
}

test('SIGTERM while two tasks run: the process exits 0 and neither task is failed', async t => {
  const submit = await taskSubmitter(api, token);
  tasks.wait = await submit(WAIT_TEMPLATE, {
    name: 'sigterm-wait',
    waitSeconds: WAIT_SECONDS,
  });
  tasks.crash = await submit(CRASH_TEMPLATE, { name: 'sigterm-crash' });
  await waitFor(
    'the crash probe to pause inside publish:git-local:change',
    async () =>
      (
        await messages(tasks.crash)
      ).some(m => /Test pause: publish:git-local:change waits/.test(m)),
    { backend, timeoutMs: 60_000 },
  );
  assert.ok(
    (await messages(tasks.wait)).some(m => /Beginning step wait/.test(m)),
    'the recovery probe is in its wait step',
  );

  const slow = slowRequest(SLOW_REQUEST_SECONDS);
  execFileSync('kill', ['-TERM', String(backend.pid)]);
  // Answered by the drain (its status is not this test's concern: user-token checks may need the closed listener).
  t.diagnostic(`the slow request in flight at SIGTERM answered ${await slow}`);
  exit = await backend.exit;
  for (const [name, id] of Object.entries(tasks)) {
    statusAtExit[name] = await storedStatus(id);
  }
  assert.deepEqual(exit, { code: 0, signal: null }, 'exit');
  assert.deepEqual(statusAtExit, { wait: 'processing', crash: 'processing' });
});

test('after the restart both tasks end completed', async () => {
  backend = harness.start('after SIGTERM');
  await waitReady(harness.base, backend);
  token = await guestToken(harness.base);
  for (const [name, id] of Object.entries(tasks)) {
    const final = await waitFor(
      `${name} to settle`,
      async () => {
        const task = await api(token, 'GET', `/api/scaffolder/v2/tasks/${id}`);
        return TERMINAL.includes(task.status) && task;
      },
      { backend, timeoutMs: 90_000 },
    );
    assert.equal(
      final.status,
      'completed',
      `${name}: ${(await messages(id)).join('\n')}`,
    );
  }
  for (const [name, id] of Object.entries(tasks)) {
    assert.equal(
      (await messages(id))[0],
      '[recovered]',
      `${name} was resumed by task recovery`,
    );
  }
});

test('every side effect exists once', async () => {
  const gitDir = path.join(harness.dataDir, 'git');
  assert.deepEqual(
    readdirSync(gitDir)
      .filter(f => f.endsWith('.git'))
      .sort(),
    ['sigterm-crash.git', 'sigterm-wait.git'],
  );
  const crashRepo = path.join(gitDir, 'sigterm-crash.git');
  assert.deepEqual(git(crashRepo, 'log', '--format=%s', 'main'), [
    'Initial commit',
  ]);
  assert.deepEqual(
    git(crashRepo, 'log', '--format=%s', 'main..backstage-integration'),
    ['Add the runbook'],
  );
  const locations = await api(token, 'GET', '/api/catalog/locations');
  for (const name of ['sigterm-crash', 'sigterm-wait']) {
    const target = `https://git.localhost/${name}/blob/main/catalog-info.yaml`;
    assert.equal(
      locations.filter(l => l.data.target === target).length,
      1,
      `catalog locations of ${name}`,
    );
  }
});
