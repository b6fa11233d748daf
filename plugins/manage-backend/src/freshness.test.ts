import { mockCredentials } from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { TeamSummary } from '@internal/plugin-manage-common';
import {
  KpiProvider,
  manageKpiProvidersExtensionPoint,
} from '@internal/plugin-manage-node';
import request from 'supertest';
import {
  previousMonth,
  startManage,
  storeDatabases,
} from './__testUtils__/testBackend';

jest.setTimeout(60_000);

const databases = storeDatabases();
const user = mockCredentials.user.header('user:default/someone');
const lastMonth = previousMonth();

/** Providers whose next answer each test sets: samples, or an error to throw. */
function controllable(id: string, kpi: string) {
  const state: { next: () => unknown[] } = { next: () => [] };
  const provider: KpiProvider = {
    id,
    kpis: [kpi],
    schedule: { frequency: { minutes: 10 }, timeout: { minutes: 1 } },
    collect: async () => state.next(),
  };
  return { provider, state };
}

function providersModule(...providers: KpiProvider[]) {
  return createBackendModule({
    pluginId: 'manage',
    moduleId: 'freshness-test',
    register(reg) {
      reg.registerInit({
        deps: { ext: manageKpiProvidersExtensionPoint },
        async init({ ext }) {
          ext.addProvider(...providers);
        },
      });
    },
  });
}

describe.each(databases.eachSupportedId())('KPI source freshness on %s', id => {
  async function setup(config: object = {}) {
    const knex = await databases.init(id);
    const cost = controllable('test-cost', 'cloud-cost');
    const incidents = controllable('test-incidents', 'incidents');
    const start = () =>
      startManage({
        knex,
        config,
        features: [providersModule(cost.provider, incidents.provider)],
      });
    const backend = await start();
    const summary = async (server = backend.server): Promise<TeamSummary> => {
      const res = await request(server)
        .get(
          `/api/manage/teams/${encodeURIComponent(
            'group:default/squad-1',
          )}/summary`,
        )
        .set('Authorization', user);
      expect(res.status).toBe(200);
      return res.body;
    };
    return { knex, backend, start, summary, cost, incidents };
  }

  it('a provider that fails after a good run keeps its samples and shows failed; the others are unaffected', async () => {
    const { backend, summary, cost, incidents } = await setup();
    cost.state.next = () => [
      {
        entityRef: 'component:default/svc-1',
        kpi: 'cloud-cost',
        period: lastMonth,
        value: 42,
      },
    ];
    incidents.state.next = () => [
      {
        entityRef: 'component:default/svc-1',
        kpi: 'incidents',
        period: lastMonth,
        value: 3,
      },
    ];
    await backend.run('manage-kpi-provider:test-cost');
    await backend.run('manage-kpi-provider:test-incidents');
    const good = await summary();
    const goodCost = good.sources.find(s => s.id === 'test-cost')!;
    expect(goodCost).toMatchObject({
      kind: 'provider',
      kpis: ['cloud-cost'],
      sampleCount: 1,
      state: 'fresh',
      staleAfterSeconds: 1800, // 10 minutes × the default factor 3
    });
    expect(goodCost.lastErrorAt).toBeUndefined();

    cost.state.next = () => {
      throw new Error(
        'Cost Explorer refused https://key:hunter2@aws.example/?token=abc123 (Authorization: Bearer s3cr3t)',
      );
    };
    await expect(backend.run('manage-kpi-provider:test-cost')).rejects.toThrow(
      'Cost Explorer refused',
    );
    // The incidents provider runs on, on its own task.
    incidents.state.next = () => [
      {
        entityRef: 'component:default/svc-1',
        kpi: 'incidents',
        period: lastMonth,
        value: 5,
      },
    ];
    await backend.run('manage-kpi-provider:test-incidents');

    const after = await summary();
    // Its last good number is still there, and the other provider's new one too.
    expect(after.trend).toEqual([
      expect.objectContaining({
        period: lastMonth,
        cloudCost: 42,
        incidents: 5,
      }),
    ]);
    const failed = after.sources.find(s => s.id === 'test-cost')!;
    expect(failed).toMatchObject({
      state: 'failed',
      sampleCount: 1,
      lastSuccessAt: goodCost.lastSuccessAt,
    });
    expect(failed.lastError).toContain('Cost Explorer refused');
    expect(failed.lastError).not.toMatch(/hunter2|abc123|s3cr3t/);
    expect(after.sources.find(s => s.id === 'test-incidents')).toMatchObject({
      state: 'fresh',
      sampleCount: 1,
    });
  });

  it('a provider returning samples the push API refuses stores none of them and shows failed', async () => {
    const { backend, summary, cost } = await setup();
    cost.state.next = () => [
      {
        entityRef: 'component:default/svc-1',
        kpi: 'cloud-cost',
        period: lastMonth,
        value: -1,
      },
    ];
    await expect(
      backend.run('manage-kpi-provider:test-cost'),
    ).rejects.toThrow();
    const after = await summary();
    expect(after.trend).toEqual([]);
    expect(after.sources.find(s => s.id === 'test-cost')).toMatchObject({
      state: 'failed',
      sampleCount: 0,
      kpis: ['cloud-cost'], // declared, so its tile warns before any success
    });
  });

  it('a provider with nothing to report succeeds; one that never ran is stale', async () => {
    const { backend, summary } = await setup();
    await backend.run('manage-kpi-provider:test-cost');
    const { sources } = await summary();
    expect(sources.find(s => s.id === 'test-cost')).toMatchObject({
      state: 'fresh',
      sampleCount: 0,
    });
    const never = sources.find(s => s.id === 'test-incidents')!;
    expect(never.state).toBe('stale');
    expect(never.lastSuccessAt).toBeUndefined();
  });

  it('is stale once the last success is older than the configured threshold', async () => {
    const { backend, summary, cost } = await setup({
      manage: {
        freshness: {
          staleFactor: 2,
          sources: [{ id: 'test-incidents', staleAfter: { seconds: 1 } }],
        },
      },
    });
    cost.state.next = () => [];
    await backend.run('manage-kpi-provider:test-cost');
    await backend.run('manage-kpi-provider:test-incidents');
    await new Promise(resolve => setTimeout(resolve, 1_100));
    const { sources } = await summary();
    expect(sources.find(s => s.id === 'test-cost')).toMatchObject({
      state: 'fresh',
      staleAfterSeconds: 1200,
    });
    expect(sources.find(s => s.id === 'test-incidents')).toMatchObject({
      state: 'stale',
      staleAfterSeconds: 1,
    });
  });

  it('pushed KPIs are a source with their last push time, and bad pushes show as its error', async () => {
    const { backend, summary } = await setup({
      manage: { freshness: { staleAfter: { days: 3 } } },
    });
    const push = (samples: unknown[]) =>
      request(backend.server)
        .post('/api/manage/kpis')
        .set('Authorization', mockCredentials.service.header())
        .send({ samples });
    const good = {
      entityRef: 'component:default/svc-1',
      kpi: 'security-issues-high',
      period: lastMonth,
      value: 2,
    };
    expect((await push([good, { ...good, kpi: 'incidents' }])).status).toBe(
      201,
    );
    const pushed = (await summary()).sources.find(s => s.kind === 'push')!;
    expect(pushed).toMatchObject({
      id: 'push:external:test-service',
      kpis: ['incidents', 'security-issues-high'],
      sampleCount: 2,
      staleAfterSeconds: 3 * 86400,
      state: 'fresh',
    });
    expect((await push([{ ...good, value: 'many' }])).status).toBe(400);
    expect(
      (await summary()).sources.find(s => s.kind === 'push'),
    ).toMatchObject({
      state: 'failed',
      sampleCount: 2,
      lastError: expect.stringContaining('Invalid KPI batch'),
    });
  });

  it('keeps the status across a restart and shares it with a second replica', async () => {
    const { backend, start, summary, cost } = await setup();
    cost.state.next = () => {
      throw new Error('PagerDuty answered 503');
    };
    await expect(
      backend.run('manage-kpi-provider:test-cost'),
    ).rejects.toThrow();
    const replica = await start();
    const fromReplica = await summary(replica.server);
    expect(fromReplica.sources.find(s => s.id === 'test-cost')).toMatchObject({
      state: 'failed',
      lastError: 'PagerDuty answered 503',
    });
  });
});
