import {
  mockServices,
  registerMswTestHooks,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { SchedulerServiceTaskFunction } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- test only: runs the module inside the real plugin (newer upstream lint configs exclude *.test.* from this rule)
import managePlugin from '@internal/plugin-manage-backend';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { manageModulePagerDuty } from './module';

// The real manage plugin on the real local PostgreSQL, with this module: what the provider returns passes the
// plugin's validation (KPI ids, periods), and a failing run leaves the last good numbers in place.
process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??=
  'postgresql://postgres@127.0.0.1:5432';
jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const server = setupServer();
registerMswTestHooks(server);

const BASE = 'https://api.pagerduty.test';
const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'squad-1', namespace: 'default' },
    spec: { type: 'squad', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments',
      namespace: 'default',
      annotations: { 'pagerduty.com/service-id': 'PPAY' },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'squad-1' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/squad-1' }],
  },
];

it('stores the provider samples, and a failing run keeps them', async () => {
  const knex = await databases.init('POSTGRES_15');
  const tasks = new Map<string, SchedulerServiceTaskFunction>();
  await startTestBackend({
    features: [
      managePlugin,
      manageModulePagerDuty,
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: {
          manage: {
            providers: {
              pagerduty: {
                token: 'pd-token',
                baseUrl: BASE,
                months: 2,
                schedule: { frequency: { hours: 1 }, timeout: { minutes: 5 } },
              },
            },
          },
        },
      }),
      mockServices.scheduler.mock({
        scheduleTask: async task => {
          tasks.set(task.id, task.fn);
        },
      }).factory,
    ],
  });
  const run = (id: string) => tasks.get(id)!(new AbortController().signal);
  const stored = async () =>
    (
      await knex('manage_kpi_samples')
        .where({ entity_ref: 'component:default/payments' })
        .select('kpi', 'period', 'value', 'source')
    )
      .map(r => `${r.kpi} ${r.period} ${Number(r.value)} ${r.source}`)
      .sort();

  const now = Date.now();
  server.use(
    http.get(`${BASE}/incidents`, () =>
      HttpResponse.json({
        incidents: [
          {
            id: 'Q1',
            status: 'resolved',
            created_at: new Date(now - 2 * 3600_000).toISOString(),
            resolved_at: new Date(now - 3600_000).toISOString(),
            service: { id: 'PPAY' },
          },
        ],
        more: false,
      }),
    ),
  );
  await run('manage-catalog-sync');
  await run('manage-kpi-provider:pagerduty');
  const good = await stored();
  expect(good).toHaveLength(4); // 2 months x incidents, incident-repair-minutes
  expect(good.filter(s => / 1 pagerduty$/.test(s))).toHaveLength(1); // one incident
  expect(good.filter(s => / 60 pagerduty$/.test(s))).toHaveLength(1); // 60 minutes to resolve it

  server.use(
    http.get(`${BASE}/incidents`, () =>
      HttpResponse.json({ error: { message: 'Internal' } }, { status: 500 }),
    ),
  );
  await expect(run('manage-kpi-provider:pagerduty')).rejects.toThrow(
    /PagerDuty GET \/incidents failed/,
  );
  expect(await stored()).toEqual(good);
});
