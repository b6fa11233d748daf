// The portal the second time: started on a data folder, used, stopped with SIGTERM and started again on the same
// state, in development (dev config, SQLite files, the search index in memory) and in production (production
// config, PostgreSQL, the search index in PostgreSQL), both on the built backend:
//  - use: register an entity (a URL location), run a template (a one-step probe, restart-probe-template.yaml), push
//    a KPI sample and a migration fact for the entity, search for it (after one collation);
//  - SIGTERM: the process exits 0;
//  - second start: search finds the entity within SEARCH_BOUND_MS of readiness (development rebuilds the index in
//    memory at start: collators with `scope: local`; production reads the index kept in PostgreSQL), and every
//    search answered meanwhile is a 200 (an index being built is an empty result with an `indexNotice`, not a 500);
//  - the same numbers as before the stop: catalog entity count, the team's manage summary (owned entities, KPI
//    trend), the tech-migration summaries; the template run is in the task list, completed, with its log;
//  - nothing twice: the entity, its search document, the template run.
// Prints the time from the second start (process spawned) to readiness and to a search that finds the entity.
// Usage: flock /tmp/backstage-build.lock node --test --test-reporter=spec system-tests/restart.test.mjs
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  logTailOnFailure,
  onExit,
  unpackBundle,
  waitFor,
  waitReady,
} from './lib/backend.mjs';
import { restartablePortal } from './lib/restart-portal.mjs';

// From readiness of the second start to a search that finds the entity registered before the stop.
// Development: the collators' initial delay (3 s) plus one collation (well under a second here). Production:
// none (the index is in PostgreSQL); the bound leaves room for a loaded machine.
const SEARCH_BOUND_MS = { development: 15_000, production: 5_000 };
const TEAM = 'group:default/checkout-squad';
const TEMPLATE = 'template:default/restart-probe';

let bundle;
let keepBundle;
before(() => {
  // RESTART_TEST_BUNDLE_DIR: a bundle unpacked earlier (unpackBundle()), reused without holding the build lock.
  const reuse = process.env.RESTART_TEST_BUNDLE_DIR;
  bundle = reuse ? { dir: reuse, remove: () => {} } : unpackBundle();
  keepBundle = onExit(bundle.remove); // also when interrupted
});
after(() => {
  bundle?.remove();
  keepBundle?.();
});

/** Last month as YYYY-MM (the KPI push refuses future months). */
function lastMonth() {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1))
    .toISOString()
    .slice(0, 7);
}

for (const mode of ['development', 'production']) {
  describe(`${mode}: stopped and started again on the same state`, () => {
    const name = `restart-probe-${mode.slice(0, 3)}-${Date.now()}`;
    const entityRef = `component:default/${name}`;
    const note = `${name} template run`;
    let portal;
    let backend;
    let api;
    let taskId;
    let before_; // the numbers before the stop
    let restartedAt;

    /** Search results (software-catalog) for the probe entity's name: { status, titles, notice }. */
    const search = async () => {
      const { status, body } = await api(
        'GET',
        `/api/search/query?term=${name}&types[0]=software-catalog`,
      );
      return {
        status,
        titles: (body.results ?? [])
          .map(r => r.document.title)
          .filter(t => t === name),
        notice: body.indexNotice,
      };
    };

    /** What the pages show: the catalog count, the team's manage summary, the migration summaries, the runs. */
    const numbers = async () => {
      const ok = async url => {
        const res = await api('GET', url);
        assert.equal(res.status, 200, `${url}: ${JSON.stringify(res.body)}`);
        return res.body;
      };
      const catalog = await ok('/api/catalog/entities/by-query?limit=1');
      const probes = await ok(
        `/api/catalog/entities/by-query?limit=10&filter=metadata.name=${name}`,
      );
      const summary = await ok(
        `/api/manage/teams/${encodeURIComponent(TEAM)}/summary`,
      );
      const { migrations } = await ok('/api/tech-migrations/migrations');
      const { tasks } = await ok('/api/scaffolder/v2/tasks?limit=100');
      return {
        catalogEntities: catalog.totalItems,
        probeEntities: probes.totalItems,
        manage: summary,
        migrations: migrations.map(m => ({
          id: m.id,
          done: m.done,
          remaining: m.remaining,
          exempt: m.exempt,
          total: m.total,
        })),
        runs: tasks
          .filter(x => x.spec?.templateInfo?.entityRef === TEMPLATE)
          .map(x => ({ id: x.id, status: x.status })),
      };
    };

    before(async () => {
      portal = await restartablePortal(mode, bundle);
      api = portal.api;
      backend = portal.start(`${mode} (first start)`);
      await waitReady(portal.base, backend);
    });
    after(async () => {
      await backend?.stop();
      await portal?.cleanup();
    });
    afterEach(logTailOnFailure(() => backend));

    test('use it: register an entity, run a template, push a KPI and a migration fact, search', async t => {
      const wait = (what, fn) =>
        waitFor(what, fn, { timeoutMs: 90_000, backend });
      await wait(
        'the probe template and the sample catalog',
        async () =>
          (
            await api(
              'GET',
              `/api/catalog/entities/by-name/template/default/restart-probe`,
            )
          ).status === 200 &&
          (
            await api(
              'GET',
              '/api/catalog/entities/by-name/component/default/checkout-service',
            )
          ).status === 200,
      );

      // The entity, registered by URL as a user would (served by the test's file server).
      const target = portal.publish(
        `${name}/catalog-info.yaml`,
        `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n` +
          `  description: Registered by system-tests/restart.test.mjs\n  tags: [typescript]\n` +
          `spec:\n  type: service\n  lifecycle: experimental\n  owner: ${TEAM}\n`,
      );
      const registered = await api('POST', '/api/catalog/locations', {
        type: 'url',
        target,
      });
      assert.equal(registered.status, 201, JSON.stringify(registered.body));
      await wait(
        `${entityRef} in the catalog`,
        async () =>
          (
            await api(
              'GET',
              `/api/catalog/entities/by-name/component/default/${name}`,
            )
          ).status === 200,
      );

      const run = await api('POST', '/api/scaffolder/v2/tasks', {
        templateRef: TEMPLATE,
        values: { note },
      });
      assert.equal(run.status, 201, JSON.stringify(run.body));
      taskId = run.body.id;
      const task = await wait('the template run to complete', async () => {
        const { body } = await api('GET', `/api/scaffolder/v2/tasks/${taskId}`);
        return (
          ['completed', 'failed', 'cancelled'].includes(body.status) && body
        );
      });
      assert.equal(task.status, 'completed');

      // The manage page's mirror of the catalog picks the entity up on its schedule (every 15 s); the KPI is
      // pushed once the entity is known there, as CI would.
      await wait(`${entityRef} on ${TEAM}'s manage summary`, async () =>
        (
          await api(
            'GET',
            `/api/manage/teams/${encodeURIComponent(TEAM)}/summary`,
          )
        ).body.owned?.entities?.some(e => e.ref === entityRef),
      );
      const kpi = await api('POST', '/api/manage/kpis', {
        samples: [
          { entityRef, kpi: 'cloud-cost', period: lastMonth(), value: 1234 },
        ],
      });
      assert.equal(kpi.status, 201, JSON.stringify(kpi.body));

      // A full evaluation first (the schedule's first run is 30 s to 1 min after start), then CI's fact.
      const evaluated = await api('POST', '/api/tech-migrations/evaluate');
      assert.equal(evaluated.status, 200, JSON.stringify(evaluated.body));
      const fact = await api('POST', '/api/tech-migrations/facts', {
        entities: [{ entityRef, facts: { nodeVersion: 22 } }],
      });
      assert.equal(fact.status, 200, JSON.stringify(fact.body));

      // Search: one collation now (its schedule runs every 10 minutes), then the entity is found.
      const trigger = await api(
        'POST',
        '/api/search/.backstage/scheduler/v1/tasks/search_index_software_catalog/trigger',
      );
      assert.equal(trigger.status, 200, JSON.stringify(trigger.body));
      await wait(
        `${name} in search`,
        async () => (await search()).titles.length,
      );

      before_ = await numbers();
      t.diagnostic(
        `before the stop: ${before_.catalogEntities} entities, ${before_.manage.owned?.total} owned by ${TEAM}, ` +
          `${before_.migrations.length} migrations, ${before_.runs.length} probe run(s)`,
      );
      assert.equal(before_.probeEntities, 1);
      assert.deepEqual(before_.runs, [{ id: taskId, status: 'completed' }]);
    });

    test('SIGTERM: the process exits 0', async () => {
      const stopped = backend.stop();
      const { code, signal } = await backend.exit;
      await stopped;
      assert.deepEqual({ code, signal }, { code: 0, signal: null });
    });

    test(`second start: search finds the entity within ${
      SEARCH_BOUND_MS[mode] / 1000
    } s of readiness, never a 500`, async t => {
      assert.ok(before_, 'the portal was not used before the stop');
      restartedAt = Date.now();
      backend = portal.start(`${mode} (second start)`);
      await waitReady(portal.base, backend);
      const readyAt = Date.now();
      const answers = [];
      let found;
      while (!found && Date.now() - readyAt < SEARCH_BOUND_MS[mode] + 5_000) {
        const res = await search();
        answers.push(res);
        if (res.titles.length) found = Date.now();
        else await new Promise(r => setTimeout(r, 250));
      }
      const statuses = [...new Set(answers.map(a => a.status))];
      const notices = answers.filter(a => a.notice).length;
      t.diagnostic(
        `${mode}: start → ready ${((readyAt - restartedAt) / 1000).toFixed(
          1,
        )} s, start → search finds the entity ` +
          `${
            found ? ((found - restartedAt) / 1000).toFixed(1) : 'never'
          } s (ready → search ` +
          `${found ? ((found - readyAt) / 1000).toFixed(1) : '-'} s); ${
            answers.length
          } searches, statuses ` +
          `${statuses.join(',')}, ${notices} with an index notice`,
      );
      assert.deepEqual(statuses, [200], 'every search answered 200');
      assert.ok(found, `search never found ${name}`);
      assert.ok(
        found - readyAt <= SEARCH_BOUND_MS[mode],
        `search found ${name} ${found - readyAt} ms after readiness (bound ${
          SEARCH_BOUND_MS[mode]
        } ms)`,
      );
    });

    test('the same numbers as before the stop; the template run with its log; nothing twice', async () => {
      assert.ok(
        before_ && restartedAt,
        'no use before the stop or no second start',
      );
      const now = await numbers();
      assert.equal(
        now.catalogEntities,
        before_.catalogEntities,
        'catalog entities',
      );
      assert.equal(now.probeEntities, 1, `${entityRef} once in the catalog`);
      assert.deepEqual(now.manage, before_.manage, `${TEAM}'s manage summary`);
      assert.deepEqual(
        now.migrations,
        before_.migrations,
        'migration summaries',
      );
      assert.deepEqual(
        now.runs,
        [{ id: taskId, status: 'completed' }],
        'the probe run, once',
      );
      const { body: events } = await api(
        'GET',
        `/api/scaffolder/v2/tasks/${taskId}/events`,
      );
      assert.ok(
        events.some(
          e => e.type === 'log' && String(e.body?.message).includes(note),
        ),
        'the run log has the step output',
      );
      assert.deepEqual(
        (await search()).titles,
        [name],
        `${name} once in search`,
      );
    });
  });
}
