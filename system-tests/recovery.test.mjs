// Scaffolder crash recovery, for real: the built backend is killed with SIGKILL inside each of our checkpointed
// actions and started again on the same database. On PostgreSQL and on SQLite (RECOVERY_DATABASES, default
// "pg sqlite"):
//  - a task of the crash probe template (fixtures/crash-probe.yaml: publish:git-local, publish:git-local:change,
//    catalog:register:idempotent; EXPERIMENTAL_recovery: startOver) is killed three times, each time inside one
//    action, after its side effect and its checkpoint and before its step completes (the test-only pause
//    scaffolder.goldenPath.testPauseAfterSideEffect, set only by this test's config layer). Each time the task is
//    handed back after the stale timeout and the interrupted step runs again from its start; that re-run must take
//    the result its checkpoint recorded rather than act again. At the end the task has completed and every side
//    effect exists exactly once: one repository, one commit on main, one change (a branch with one commit more), one
//    catalog location, the entity registered;
//  - a task of a template without a recovery strategy, killed the first time in its wait step: in Backstage 1.55 it
//    is resumed too (taskRecovery.enabled recovers every stale task; completed steps are skipped).
// Reports the time from each restart to the crash probe being claimed again, against the configured stale timeout.
// Usage: flock /tmp/backstage-build.lock node --test --test-reporter=spec system-tests/recovery.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  guestToken,
  logTailOnFailure,
  onExit,
  unpackBundle,
  waitFor,
  waitReady,
} from './lib/backend.mjs';
import {
  apiClient,
  scaffolderBackend,
  taskSubmitter,
} from './lib/scaffolder-harness.mjs';

const DATABASES = (process.env.RECOVERY_DATABASES ?? 'pg sqlite')
  .split(/[\s,]+/)
  .filter(Boolean);
const STALE_SECONDS = 5;
// Long enough for this test (polling every second) to see the pause and kill the backend inside it, even on a
// loaded machine; a kill that comes too late shows up as a failed "takes its checkpoint" test, never as a pass.
const PAUSE_SECONDS = 30;
const CRASH_TEMPLATE = 'recovery-crash-probe';
// The crash probe's actions in step order, with what the re-run of each logs when it takes its checkpoint.
const ACTIONS = [
  ['publish:git-local', /was published by an earlier run of this task/],
  ['publish:git-local:change', /was pushed by an earlier run of this task/],
  [
    'catalog:register:idempotent',
    /was registered by an earlier run of this task/,
  ],
];
const TERMINAL = ['completed', 'failed', 'cancelled'];

/** Output lines of a git command; none when it fails (e.g. a branch that does not exist). */
const git = (cwd, ...args) => {
  try {
    return execFileSync('git', args, {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim()
      .split('\n')
      .filter(Boolean);
  } catch {
    return [];
  }
};

let bundle;
let keepBundle;
before(() => {
  bundle = unpackBundle();
  // Interrupted: the backends are killed and the harness drops its database; the bundle is removed too.
  keepBundle = onExit(bundle.remove);
});
after(() => {
  bundle?.remove();
  keepBundle?.();
});

for (const db of DATABASES) {
  describe(`${db}: kill -9 inside each checkpointed action`, () => {
    const name = `crash-${db}`;
    let harness;
    let api;
    let backend;
    let token;
    let crash; // the crash probe's task id
    let plain; // the task without a recovery strategy
    let kills = 0;
    // For a startOver task the scaffolder answers only the events since its last recovery.
    const events = id =>
      api(token, 'GET', `/api/scaffolder/v2/tasks/${id}/events`);
    const messages = async id =>
      (await events(id)).map(e =>
        e.type === 'recovered' ? '[recovered]' : e.body.message ?? '',
      );
    const settled = id =>
      api(token, 'GET', `/api/scaffolder/v2/tasks/${id}`).then(x =>
        TERMINAL.includes(x.status) ? x : undefined,
      );

    before(async () => {
      harness = await scaffolderBackend({
        bundle,
        db,
        extraConfig:
          `scaffolder:\n  taskRecovery:\n    staleTimeout: { seconds: ${STALE_SECONDS} }\n` +
          `  goldenPath:\n    testPauseAfterSideEffect:\n` +
          `      seconds: ${PAUSE_SECONDS}\n      template: template:default/${CRASH_TEMPLATE}\n`,
      });
      api = apiClient(harness.base);
      backend = harness.start('first run');
      token = await harness.ready(backend, [
        CRASH_TEMPLATE,
        'recovery-probe-none',
      ]);
      const submit = await taskSubmitter(api, token);
      plain = await submit('recovery-probe-none', {
        name: `probe-${db}-none`,
        waitSeconds: 45,
      });
      crash = await submit(CRASH_TEMPLATE, { name });
    });
    after(async () => {
      if (process.env.RECOVERY_VERBOSE && crash) {
        console.log((await messages(crash)).join('\n'));
        console.log((await messages(plain)).join('\n'));
      }
      await backend?.stop();
      await harness?.cleanup();
    });
    // The backend's own messages, without the access log of this test's polling.
    afterEach(
      logTailOnFailure(() => backend, { keep: l => !/rootHttpRouter/.test(l) }),
    );

    for (const [i, [action, reused]] of ACTIONS.entries()) {
      test(`killed inside ${action} and restarted: its re-run takes its checkpoint`, async t => {
        const paused = new RegExp(`Test pause: ${action} waits`);
        // Until it pauses inside `action`, or ends without doing so (an earlier re-run that failed).
        const state = await waitFor(
          `the crash probe to pause inside ${action}`,
          async () => {
            const log = await messages(crash);
            if (log.some(m => paused.test(m))) return { log };
            const ended = await settled(crash);
            return ended && { log, ended };
          },
          { backend, timeoutMs: 120_000 },
        );
        assert.ok(
          !state.ended,
          `the task ended (${
            state.ended?.status
          }) before pausing inside ${action}:\n${state.log.join('\n')}`,
        );
        if (i === 0) {
          await waitFor(
            'the task without a recovery strategy to reach its wait step',
            async () =>
              (await messages(plain)).some(m => /Beginning step wait/.test(m)),
            { backend, timeoutMs: 20_000 },
          );
        }

        const lastEventId = Math.max(
          ...(await events(crash)).map(e => Number(e.id)),
        );
        execFileSync('kill', ['-9', String(backend.pid)]);
        await waitFor(
          'the killed backend to exit',
          async () => backend.exited(),
          {
            timeoutMs: 10_000,
          },
        );
        const restartedAt = Date.now();
        kills++;
        backend = harness.start(`after kill -9 inside ${action}`);
        await waitReady(harness.base, backend);
        token = await guestToken(harness.base);
        // Claimed again: the broker records a `recovered` event, then the runner logs the first step anew.
        await waitFor(
          'the crash probe to be claimed again',
          async () => {
            const [first, ...rest] = await events(crash);
            return (
              first?.type === 'recovered' &&
              Number(first.id) > lastEventId &&
              rest.length > 0
            );
          },
          { backend, timeoutMs: 120_000 },
        );
        t.diagnostic(
          `restart → task claimed again in ${(
            (Date.now() - restartedAt) /
            1000
          ).toFixed(
            1,
          )} s (stale timeout ${STALE_SECONDS} s; recovery sweep every 10 s)`,
        );
        // The re-run of the killed step: it logs that it took its checkpoint, then goes on (to the next pause, or to
        // the end of the task).
        const next = ACTIONS[i + 1]?.[0];
        const log = await waitFor(
          `the re-run of ${action} to get past it`,
          async () => {
            const current = await messages(crash);
            const past =
              current.some(m => reused.test(m)) ||
              (next &&
                current.some(m => m.includes(`Test pause: ${next} waits`))) ||
              (await settled(crash));
            return past && current;
          },
          { backend, timeoutMs: 120_000 },
        ).catch(() => messages(crash));
        assert.ok(
          log.some(m => reused.test(m)),
          `no "${reused.source}" in the log since the restart:\n${log.join(
            '\n',
          )}`,
        );
      });
    }

    test(`the crash probe completes after a kill inside each of its ${ACTIONS.length} actions`, async () => {
      const finished = await waitFor(
        'the crash probe to finish',
        () => settled(crash),
        { backend, timeoutMs: 180_000 },
      );
      assert.equal(
        finished.status,
        'completed',
        (await messages(crash)).join('\n'),
      );
      assert.equal(kills, ACTIONS.length, 'kills');
    });

    describe('every side effect exists exactly once', () => {
      const repo = () => path.join(harness.dataDir, 'git', `${name}.git`);

      test('one repository per task', () => {
        const repos = readdirSync(path.join(harness.dataDir, 'git')).filter(f =>
          f.endsWith('.git'),
        );
        assert.deepEqual(
          repos.sort(),
          [`${name}.git`, `probe-${db}-none.git`].sort(),
        );
      });

      test('main and one change branch', () => {
        assert.deepEqual(
          git(repo(), 'for-each-ref', '--format=%(refname:short)'),
          ['backstage-integration', 'main'],
        );
      });

      test('one commit on main', () => {
        assert.deepEqual(git(repo(), 'log', '--format=%s', 'main'), [
          'Initial commit',
        ]);
      });

      test('one change commit on the branch', () => {
        assert.deepEqual(
          git(repo(), 'log', '--format=%s', 'main..backstage-integration'),
          ['Add the runbook'],
        );
      });

      test('one catalog location', async () => {
        const target = `https://git.localhost/${name}/blob/main/catalog-info.yaml`;
        const locations = (
          await api(token, 'GET', '/api/catalog/locations')
        ).filter(l => l.data.target === target);
        assert.equal(locations.length, 1);
      });
    });

    test('the entity is in the catalog', async () => {
      const entityUrl = `${harness.base}/api/catalog/entities/by-name/component/default/${name}`;
      const entity = await waitFor(
        'the catalog to process the registered location',
        async () =>
          (
            await fetch(entityUrl, {
              headers: { Authorization: `Bearer ${token}` },
            })
          ).ok,
        { backend, timeoutMs: 60_000 },
      ).catch(() => false);
      assert.equal(entity, true);
    });

    // With scaffolder.taskRecovery.enabled, Backstage 1.55 hands every stale task back and resumes it from its last
    // completed step whatever its strategy (the strategy only decides whether the event log is trimmed), so it too
    // completes, without repeating its completed steps.
    test('a task without a recovery strategy is resumed and completes', async t => {
      const final = await waitFor(
        'the task without a recovery strategy to settle',
        () => settled(plain),
        { backend, timeoutMs: 120_000 },
      );
      t.diagnostic(`task without a recovery strategy ended '${final.status}'`);
      assert.equal(final.status, 'completed');
    });

    test('its completed publish step was not run again', async () => {
      const log = await messages(plain);
      assert.ok(
        log.some(m =>
          /Skipping step publish because it was already completed/.test(m),
        ),
        log.join('\n'),
      );
    });
  });
}
