// Scaffolder crash recovery, for real: the built backend runs a task that publishes a repository and then waits;
// it is killed with SIGKILL mid-task and started again on the same database. Checks, on PostgreSQL and on SQLite:
//  - the restartable task (EXPERIMENTAL_recovery: startOver) is handed back after the stale timeout, completes, and
//    its side effects happened once: one repository with one commit, one catalog location, the entity registered;
//  - what happens to a task of a template without a recovery strategy, killed the same way: in Backstage 1.55 it is
//    resumed too (taskRecovery.enabled recovers every stale task; completed steps are skipped).
// Prints the time from restart to the recovered task being claimed again, against the configured stale timeout.
// Usage: yarn build:backend && node scripts/recovery/scaffolder-recovery.mjs [pg|sqlite ...]
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { guestToken, unpackBundle, waitFor } from '../lib/built-backend.mjs';
import { apiClient, scaffolderBackend } from '../lib/scaffolder-harness.mjs';

const STALE_SECONDS = 5;
const port = 7307;
const base = `http://localhost:${port}`;
let failures = 0;
const check = (ok, what, detail = '') => {
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${what}${ok || !detail ? '' : `: ${detail}`}`,
  );
  if (!ok) failures++;
};

const api = apiClient(base);

const events = (token, id) =>
  api(token, 'GET', `/api/scaffolder/v2/tasks/${id}/events`);
const task = (token, id) => api(token, 'GET', `/api/scaffolder/v2/tasks/${id}`);

async function scenario(db, bundle) {
  console.log(`\n--- ${db}`);
  const harness = await scaffolderBackend({
    bundle,
    db,
    port,
    extraConfig: `scaffolder:\n  taskRecovery:\n    staleTimeout: { seconds: ${STALE_SECONDS} }\n`,
  });
  const { dataDir, start } = harness;
  let backend = start('first run');
  try {
    const token = await harness.ready(backend);
    const { token: publishToken } = await api(
      token,
      'GET',
      '/api/scaffolder/local-git/publish-token',
    );
    const submit = (template, name) =>
      api(token, 'POST', '/api/scaffolder/v2/tasks', {
        templateRef: `template:default/${template}`,
        values: { name, waitSeconds: 20 },
        secrets: { publishToken },
      }).then(r => r.id);
    const recoverable = await submit('recovery-probe', `probe-${db}-restart`);
    const plain = await submit('recovery-probe-none', `probe-${db}-none`);
    const waiting = async id =>
      (await events(token, id)).some(e =>
        /Beginning step wait/.test(e.body.message ?? ''),
      );
    await waitFor(
      'both tasks to reach the wait step',
      async () => (await waiting(recoverable)) && (await waiting(plain)),
      {
        backend,
        timeoutMs: 60_000,
      },
    ).catch(async e => {
      for (const id of [recoverable, plain]) {
        console.log(
          (await events(token, id)).map(ev => ev.body.message).join('\n'),
        );
      }
      throw e;
    });

    execFileSync('kill', ['-9', String(backend.pid)]);
    await waitFor('the killed backend to exit', async () => backend.exited(), {
      timeoutMs: 10_000,
    });
    const restartedAt = Date.now();
    backend = start('after kill -9');
    await waitFor(
      'readiness after restart',
      async () => (await fetch(`${base}/.backstage/health/v1/readiness`)).ok,
      {
        backend,
      },
    );
    const token2 = await guestToken(base);
    // Claimed again: the broker records a `recovered` event, then the runner logs the first step anew.
    const reclaimedAt = await waitFor(
      'the recovered task to be claimed again',
      async () => {
        const evs = await events(token2, recoverable);
        const recovered = evs.findIndex(e => e.type === 'recovered');
        return recovered >= 0 &&
          evs.slice(recovered).some(e => e.type === 'log')
          ? Date.now()
          : undefined;
      },
      { backend, timeoutMs: 120_000 },
    );
    const finished = await waitFor(
      'the recovered task to finish',
      async () => {
        const t = await task(token2, recoverable);
        return ['completed', 'failed', 'cancelled'].includes(t.status)
          ? t
          : undefined;
      },
      { backend, timeoutMs: 120_000 },
    );
    check(
      finished.status === 'completed',
      `${db}: recovered task completed`,
      finished.status,
    );
    const commits = execFileSync('git', ['log', '--format=%H', 'main'], {
      cwd: path.join(dataDir, 'git', `probe-${db}-restart.git`),
    })
      .toString()
      .trim()
      .split('\n');
    check(
      commits.length === 1,
      `${db}: one repository with one commit (${commits.length})`,
    );
    const target = `https://git.localhost/probe-${db}-restart/blob/main/catalog-info.yaml`;
    const locations = (
      await api(token2, 'GET', '/api/catalog/locations')
    ).filter(l => l.data.target === target);
    check(
      locations.length === 1,
      `${db}: one catalog location (${locations.length})`,
    );
    const entityUrl = `${base}/api/catalog/entities/by-name/component/default/probe-${db}-restart`;
    const entity = await waitFor(
      'the catalog to process the registered location',
      async () =>
        (
          await fetch(entityUrl, {
            headers: { Authorization: `Bearer ${token2}` },
          })
        ).ok,
      { backend, timeoutMs: 60_000 },
    ).catch(() => false);
    check(entity, `${db}: the entity is in the catalog`);
    if (process.env.RECOVERY_VERBOSE) {
      for (const id of [recoverable, plain]) {
        console.log(
          (await events(token2, id))
            .map(
              ev => `${ev.type}: ${ev.body.message ?? JSON.stringify(ev.body)}`,
            )
            .join('\n'),
        );
      }
    }
    const claimSeconds = (reclaimedAt - restartedAt) / 1000;
    console.log(
      `${db}: restart → recovered task claimed again in ${claimSeconds.toFixed(
        1,
      )} s ` + `(stale timeout ${STALE_SECONDS} s; recovery sweep every 10 s)`,
    );

    // The task without a recovery strategy. With scaffolder.taskRecovery.enabled, Backstage 1.55 hands every stale
    // task back and resumes it from its last completed step whatever its strategy (the strategy only decides
    // whether the event log is trimmed), so it too completes, without repeating its completed steps.
    const plainFinal = await waitFor(
      'the task without a recovery strategy to settle',
      async () => {
        const t = await task(token2, plain);
        return ['completed', 'failed', 'cancelled'].includes(t.status)
          ? t
          : undefined;
      },
      { backend, timeoutMs: 120_000 },
    );
    const plainLog = (await events(token2, plain)).map(
      e => e.body.message ?? '',
    );
    console.log(
      `${db}: task without a recovery strategy ended '${plainFinal.status}'`,
    );
    check(
      plainFinal.status === 'completed',
      `${db}: a task without a recovery strategy is resumed and completes`,
    );
    check(
      plainLog.some(m =>
        /Skipping step publish because it was already completed/.test(m),
      ),
      `${db}: its completed publish step was not run again`,
    );
  } catch (e) {
    check(false, `${db}: ${e.message}`);
    console.log(backend.log.slice(-40).join('\n'));
  } finally {
    await backend.stop();
    await harness.cleanup();
  }
}

const bundle = unpackBundle();
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
