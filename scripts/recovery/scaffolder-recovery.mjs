// Scaffolder crash recovery, for real: the built backend is killed with SIGKILL inside each of our checkpointed
// actions and started again on the same database. On PostgreSQL and on SQLite:
//  - a task of the crash probe template (fixtures/crash-probe.yaml: publish:git-local, publish:git-local:change,
//    catalog:register:idempotent; EXPERIMENTAL_recovery: startOver) is killed three times, each time inside one
//    action, after its side effect and its checkpoint and before its step completes (the test-only pause
//    scaffolder.goldenPath.testPauseAfterSideEffect, set only by this script's config layer). Each time the task
//    is handed back after the stale timeout and the interrupted step runs again from its start; that re-run must
//    take the result its checkpoint recorded rather than act again. At the end the task has completed and every
//    side effect exists exactly once: one repository, one commit on main, one change (a branch with one commit
//    more), one catalog location, the entity registered;
//  - a task of a template without a recovery strategy, killed the first time in its wait step: in Backstage 1.55 it
//    is resumed too (taskRecovery.enabled recovers every stale task; completed steps are skipped).
// Prints the time from each restart to the crash probe being claimed again, against the configured stale timeout.
// Usage: yarn build:backend && node scripts/recovery/scaffolder-recovery.mjs [pg|sqlite ...]
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { guestToken, unpackBundle, waitFor } from '../lib/built-backend.mjs';
import { apiClient, scaffolderBackend } from '../lib/scaffolder-harness.mjs';

const STALE_SECONDS = 5;
// Long enough for this script (polling every second) to see the pause and kill the backend inside it, even on a
// loaded machine; a kill that comes too late shows up as a failed "took its checkpoint" check, never as a pass.
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

let failures = 0;
const check = (ok, what, detail = '') => {
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${what}${ok || !detail ? '' : `: ${detail}`}`,
  );
  if (!ok) failures++;
};

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

async function scenario(db, bundle) {
  console.log(`\n--- ${db}`);
  const harness = await scaffolderBackend({
    bundle,
    db,
    extraConfig:
      `scaffolder:\n  taskRecovery:\n    staleTimeout: { seconds: ${STALE_SECONDS} }\n` +
      `  goldenPath:\n    testPauseAfterSideEffect:\n` +
      `      seconds: ${PAUSE_SECONDS}\n      template: template:default/${CRASH_TEMPLATE}\n`,
  });
  const { base, dataDir, start } = harness;
  const api = apiClient(base);
  // For a startOver task the scaffolder answers only the events since its last recovery.
  const events = (token, id) =>
    api(token, 'GET', `/api/scaffolder/v2/tasks/${id}/events`);
  const messages = async (token, id) =>
    (await events(token, id)).map(e =>
      e.type === 'recovered' ? '[recovered]' : e.body.message ?? '',
    );
  const settled = (token, id) =>
    api(token, 'GET', `/api/scaffolder/v2/tasks/${id}`).then(t =>
      TERMINAL.includes(t.status) ? t : undefined,
    );
  const name = `crash-${db}`;
  let backend = start('first run');
  try {
    let token = await harness.ready(backend, [
      CRASH_TEMPLATE,
      'recovery-probe-none',
    ]);
    const { token: publishToken } = await api(
      token,
      'GET',
      '/api/scaffolder/local-git/publish-token',
    );
    const submit = (template, values) =>
      api(token, 'POST', '/api/scaffolder/v2/tasks', {
        templateRef: `template:default/${template}`,
        values,
        secrets: { publishToken },
      }).then(r => r.id);
    const plain = await submit('recovery-probe-none', {
      name: `probe-${db}-none`,
      waitSeconds: 45,
    });
    const crash = await submit(CRASH_TEMPLATE, { name });

    let kills = 0;
    for (const [i, [action]] of ACTIONS.entries()) {
      const paused = new RegExp(`Test pause: ${action} waits`);
      // Until it pauses inside `action`, or ends without doing so (a re-run that failed).
      const state = await waitFor(
        `the crash probe to pause inside ${action}`,
        async () => {
          const log = await messages(token, crash);
          if (log.some(m => paused.test(m))) return { log };
          const ended = await settled(token, crash);
          return ended && { log, ended };
        },
        { backend, timeoutMs: 120_000 },
      ).catch(async e => {
        console.log((await messages(token, crash)).join('\n'));
        throw e;
      });
      if (i > 0) checkReused(db, ACTIONS[i - 1], state.log);
      if (state.ended) break; // the completion check below says how it ended
      if (i === 0) {
        await waitFor(
          'the task without a recovery strategy to reach its wait step',
          async () =>
            (
              await messages(token, plain)
            ).some(m => /Beginning step wait/.test(m)),
          { backend, timeoutMs: 20_000 },
        );
      }

      const lastEventId = Math.max(
        ...(await events(token, crash)).map(e => Number(e.id)),
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
      backend = start(`after kill -9 inside ${action}`);
      await waitFor(
        'readiness after restart',
        async () => (await fetch(`${base}/.backstage/health/v1/readiness`)).ok,
        { backend },
      );
      token = await guestToken(base);
      // Claimed again: the broker records a `recovered` event, then the runner logs the first step anew.
      await waitFor(
        'the crash probe to be claimed again',
        async () => {
          const [first, ...rest] = await events(token, crash);
          return (
            first?.type === 'recovered' &&
            Number(first.id) > lastEventId &&
            rest.length > 0
          );
        },
        { backend, timeoutMs: 120_000 },
      );
      console.log(
        `${db}: restart after the kill inside ${action} → task claimed again in ` +
          `${((Date.now() - restartedAt) / 1000).toFixed(1)} s ` +
          `(stale timeout ${STALE_SECONDS} s; recovery sweep every 10 s)`,
      );
    }

    const finished = await waitFor(
      'the crash probe to finish',
      () => settled(token, crash),
      { backend, timeoutMs: 180_000 },
    );
    const lastLog = await messages(token, crash);
    if (kills === ACTIONS.length) {
      checkReused(db, ACTIONS[ACTIONS.length - 1], lastLog);
    }
    check(
      finished.status === 'completed' && kills === ACTIONS.length,
      `${db}: the crash probe completed after a kill inside each of its ${ACTIONS.length} actions (${kills} kills)`,
      `${finished.status}\n${lastLog.join('\n')}`,
    );
    await checkSideEffects(db, name, dataDir, api, token);
    const entityUrl = `${base}/api/catalog/entities/by-name/component/default/${name}`;
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
    check(entity, `${db}: the entity is in the catalog`);

    // The task without a recovery strategy. With scaffolder.taskRecovery.enabled, Backstage 1.55 hands every stale
    // task back and resumes it from its last completed step whatever its strategy (the strategy only decides
    // whether the event log is trimmed), so it too completes, without repeating its completed steps.
    const plainFinal = await waitFor(
      'the task without a recovery strategy to settle',
      () => settled(token, plain),
      { backend, timeoutMs: 120_000 },
    );
    console.log(
      `${db}: task without a recovery strategy ended '${plainFinal.status}'`,
    );
    check(
      plainFinal.status === 'completed',
      `${db}: a task without a recovery strategy is resumed and completes`,
    );
    check(
      (await messages(token, plain)).some(m =>
        /Skipping step publish because it was already completed/.test(m),
      ),
      `${db}: its completed publish step was not run again`,
    );
    if (process.env.RECOVERY_VERBOSE) {
      console.log((await messages(token, crash)).join('\n'));
      console.log((await messages(token, plain)).join('\n'));
    }
  } catch (e) {
    check(false, `${db}: ${e.message}`);
    // The backend's own messages, without the access log of this script's polling.
    console.log(
      backend.log
        .filter(l => !/rootHttpRouter/.test(l))
        .slice(-60)
        .join('\n'),
    );
  } finally {
    await backend.stop();
    await harness.cleanup();
  }
}

/** The step killed inside `action` ran again after the restart and took its checkpoint instead of acting again. */
function checkReused(db, [action, reused], log) {
  check(
    log.some(m => reused.test(m)),
    `${db}: after the kill inside ${action}, its re-run took its checkpoint`,
    `no "${reused.source}" in the log since the restart:\n${log.join('\n')}`,
  );
}

/** Every side effect of the crash probe exists exactly once. */
async function checkSideEffects(db, name, dataDir, api, token) {
  const gitRoot = path.join(dataDir, 'git');
  const repos = readdirSync(gitRoot).filter(f => f.endsWith('.git'));
  check(
    JSON.stringify(repos.sort()) ===
      JSON.stringify([`${name}.git`, `probe-${db}-none.git`].sort()),
    `${db}: one repository per task (${repos.join(', ')})`,
  );
  const repo = path.join(gitRoot, `${name}.git`);
  const branches = git(repo, 'for-each-ref', '--format=%(refname:short)');
  check(
    branches.join(',') === 'backstage-integration,main',
    `${db}: main and one change branch (${branches.join(', ')})`,
  );
  const main = git(repo, 'log', '--format=%s', 'main');
  check(
    main.join('|') === 'Initial commit',
    `${db}: one commit on main (${main.length})`,
    main.join(' | '),
  );
  const change = git(repo, 'log', '--format=%s', 'main..backstage-integration');
  check(
    change.join('|') === 'Add the runbook',
    `${db}: one change commit on the branch (${change.length})`,
    change.join(' | '),
  );
  const target = `https://git.localhost/${name}/blob/main/catalog-info.yaml`;
  const locations = (await api(token, 'GET', '/api/catalog/locations')).filter(
    l => l.data.target === target,
  );
  check(
    locations.length === 1,
    `${db}: one catalog location (${locations.length})`,
  );
}

const bundle = unpackBundle();
// Interrupted: the backends are killed (processes.mjs) and the harness drops its database; remove the bundle too.
process.once('exit', bundle.remove);
try {
  for (const db of process.argv.slice(2).length
    ? process.argv.slice(2)
    : ['pg', 'sqlite']) {
    await scenario(db, bundle);
  }
} finally {
  bundle.remove();
}
console.log(
  failures
    ? `${failures} recovery check(s) failed`
    : 'all recovery checks passed',
);
process.exit(failures ? 1 : 0);
