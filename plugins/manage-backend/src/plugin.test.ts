import {
  mockCredentials,
  mockServices,
  TestDatabaseId,
} from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { TeamSummary } from '@internal/plugin-manage-common';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { startManage, storeDatabases } from './__testUtils__/testBackend';

jest.setTimeout(60_000);

const demoFile = path.resolve(
  __dirname,
  '../../../catalog/kpis/demo-kpis.json',
);

/** Fakes only `Date` (moving on in real time): the backend, knex and the pg driver keep their real timers. */
function fakeDate(now: Date) {
  jest.useFakeTimers({
    advanceTimers: true,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
  jest.setSystemTime(now);
}
afterEach(() => jest.useRealTimers());

const databases = storeDatabases();

const user = mockCredentials.user.header('user:default/someone');
const service = mockCredentials.service.header();

/** Months relative to the real (or faked) clock, computed apart from the plugin's own month helper. */
function monthsBeforeToday(monthsAgo: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsAgo))
    .toISOString()
    .slice(0, 7);
}
// Pushed samples use last month: valid on any date (the push API refuses future months).
const lastMonth = monthsBeforeToday(1);

function months(from: string, count: number): string[] {
  const [y, m] = from.split('-').map(Number);
  return Array.from({ length: count }, (_, i) => {
    const index = y * 12 + m - 1 + i;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(
      2,
      '0',
    )}`;
  });
}

async function setup(
  databaseId: TestDatabaseId,
  options: {
    permissions?: Parameters<typeof mockServices.permissions.mock>[0];
    config?: object;
  } = {},
) {
  const knex = await databases.init(databaseId);
  const { server, run, tasks } = await startManage({
    knex,
    config: options.config,
    features: options.permissions
      ? [mockServices.permissions.mock(options.permissions).factory]
      : [],
  });
  const push = (samples: unknown[]) =>
    request(server)
      .post('/api/manage/kpis')
      .set('Authorization', service)
      .send({ samples });
  const summary = async (ref: string): Promise<TeamSummary> => {
    const res = await request(server)
      .get(`/api/manage/teams/${encodeURIComponent(ref)}/summary`)
      .set('Authorization', user);
    expect(res.status).toBe(200);
    return res.body;
  };
  const sampleCount = async () =>
    Number((await knex('manage_kpi_samples').count({ n: '*' }))[0].n);
  return { server, run, push, summary, sampleCount, tasks, knex };
}

describe.each(databases.eachSupportedId())('manage backend on %s', id => {
  it('stores a pushed batch and sums it per team', async () => {
    const { push, summary } = await setup(id);
    const res = await push([
      {
        entityRef: 'component:default/svc-1',
        kpi: 'cloud-cost',
        period: lastMonth,
        value: 120.5,
      },
      {
        entityRef: 'Component:svc-1',
        kpi: 'incidents',
        period: lastMonth,
        value: 2,
      },
      {
        entityRef: 'component:default/web-1',
        kpi: 'cloud-cost',
        period: lastMonth,
        value: 30,
      },
      {
        entityRef: 'component:default/web-1',
        kpi: 'security-issues-high',
        period: lastMonth,
        value: 3,
      },
      {
        entityRef: 'component:default/ghost',
        kpi: 'incidents',
        period: lastMonth,
        value: 1,
      },
    ]);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      stored: 5,
      unknownEntityRefs: ['component:default/ghost'],
    });

    const squad = await summary('group:default/squad-1');
    expect(squad.team).toMatchObject({
      title: 'SQUAD-1',
      type: 'squad',
      parentRef: 'group:default/tribe-a',
      parentTitle: 'TRIBE-A',
    });
    expect(squad.owned.total).toBe(3);
    expect(squad.owned.byKind).toEqual([
      { kind: 'API', type: 'openapi', count: 1 },
      { kind: 'Component', type: 'service', count: 1 },
      { kind: 'Component', type: 'website', count: 1 },
    ]);
    expect(squad.trend).toEqual([
      {
        period: lastMonth,
        cloudCost: 150.5,
        incidents: 2,
        incidentRepairMinutes: 0,
        securityIssues: { critical: 0, high: 3, medium: 0, low: 0 },
      },
    ]);
    const svc = squad.owned.entities.find(
      e => e.ref === 'component:default/svc-1',
    );
    expect(svc?.latest).toEqual({ cloudCost: 120.5, incidents: 2 });
  });

  it('re-pushing a month replaces its value', async () => {
    const { push, summary } = await setup(id);
    const sample = {
      entityRef: 'component:default/svc-2',
      kpi: 'cloud-cost',
      period: lastMonth,
    };
    await push([{ ...sample, value: 10 }]);
    await push([{ ...sample, value: 25 }]);
    expect((await summary('group:default/squad-2')).trend[0].cloudCost).toBe(
      25,
    );
  });

  it('rejects a batch with one bad sample and stores nothing', async () => {
    const { push, sampleCount } = await setup(id);
    const res = await push([
      {
        entityRef: 'component:default/svc-1',
        kpi: 'cloud-cost',
        period: lastMonth,
        value: 1,
      },
      {
        entityRef: 'component:default/svc-1',
        kpi: 'cloud-cost',
        period: '2026-13',
        value: 1,
      },
      {
        entityRef: 'not a ref',
        kpi: 'happiness',
        period: lastMonth,
        value: -1,
      },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('nothing was stored');
    expect(res.body.error.message).toContain(
      'Expected a month as YYYY-MM at "samples[1].period"',
    );
    expect(res.body.error.message).toContain('at "samples[2].kpi"');
    expect(res.body.error.message).toContain('at "samples[2].value"');
    expect(await sampleCount()).toBe(0);
  });

  it('rejects duplicates, unknown fields and empty batches', async () => {
    const { push, server, sampleCount } = await setup(id);
    const sample = {
      entityRef: 'component:default/svc-1',
      kpi: 'incidents',
      period: lastMonth,
      value: 1,
    };
    expect(
      (await push([sample, { ...sample, value: 2 }])).body.error.message,
    ).toContain('more than once');
    expect((await push([{ ...sample, extra: true }])).status).toBe(400);
    expect((await push([])).status).toBe(400);
    const future = await push([{ ...sample, period: '2999-01' }]);
    expect(future.body.error.message).toContain(
      'samples.0.period: 2999-01 is in the future',
    );
    const notJson = await request(server)
      .post('/api/manage/kpis')
      .set('Authorization', service)
      .send({ rows: [] });
    expect(notJson.status).toBe(400);
    expect(await sampleCount()).toBe(0);
  });

  it('rolls squads up into their tribe', async () => {
    const { push, summary } = await setup(id);
    await push([
      {
        entityRef: 'component:default/svc-1',
        kpi: 'cloud-cost',
        period: lastMonth,
        value: 100,
      },
      {
        entityRef: 'component:default/svc-2',
        kpi: 'cloud-cost',
        period: lastMonth,
        value: 40,
      },
      {
        entityRef: 'component:default/svc-3',
        kpi: 'cloud-cost',
        period: lastMonth,
        value: 7,
      },
      {
        entityRef: 'component:default/svc-2',
        kpi: 'incidents',
        period: lastMonth,
        value: 4,
      },
      {
        entityRef: 'component:default/svc-2',
        kpi: 'incident-repair-minutes',
        period: lastMonth,
        value: 240,
      },
    ]);
    const tribe = await summary('group:default/tribe-a');
    expect(tribe.owned.total).toBe(4);
    expect(tribe.trend[0]).toMatchObject({
      cloudCost: 140,
      incidents: 4,
      incidentRepairMinutes: 240,
    });
    expect(tribe.subTeams).toEqual([
      expect.objectContaining({
        ref: 'group:default/squad-1',
        ownedCount: 3,
        cloudCost: 100,
      }),
      expect.objectContaining({
        ref: 'group:default/squad-2',
        ownedCount: 1,
        cloudCost: 40,
      }),
    ]);
    expect((await summary('group:default/tribe-b')).trend[0].cloudCost).toBe(7);
  });

  it('trends the last 12 months that have data, oldest first', async () => {
    const { push, summary } = await setup(id);
    const periods = months(monthsBeforeToday(13), 14);
    await push(
      periods.map((period, i) => ({
        entityRef: 'component:default/svc-3',
        kpi: 'cloud-cost',
        period,
        value: i + 1,
      })),
    );
    const trend = (await summary('group:default/squad-3')).trend;
    expect(trend.map(t => t.period)).toEqual(periods.slice(2));
    expect(trend.map(t => t.cloudCost)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 3),
    );
  });

  it('hides entities the caller cannot read, from lists and from sums', async () => {
    const hidden = 'component:default/web-1';
    const { push, summary } = await setup(id, {
      permissions: {
        authorizeConditional: async requests =>
          requests.map(
            () =>
              ({
                result: AuthorizeResult.CONDITIONAL,
                pluginId: 'catalog',
                resourceType: 'catalog-entity',
                conditions: {
                  rule: 'HAS_LABEL',
                  resourceType: 'catalog-entity',
                  params: {},
                },
              } as PolicyDecision),
          ) as any,
        authorize: async requests =>
          requests.map(r => ({
            result:
              'resourceRef' in r && r.resourceRef === hidden
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          })),
      },
    });
    await push([
      {
        entityRef: 'component:default/svc-1',
        kpi: 'cloud-cost',
        period: lastMonth,
        value: 100,
      },
      { entityRef: hidden, kpi: 'cloud-cost', period: lastMonth, value: 30 },
    ]);
    const squad = await summary('group:default/squad-1');
    expect(squad.owned.entities.map(e => e.ref)).not.toContain(hidden);
    expect(squad.owned.total).toBe(2);
    expect(squad.trend[0].cloudCost).toBe(100);
  });

  it('answers 404 for a team the caller may not read, and 400 for a non-group ref', async () => {
    const { server } = await setup(id, {
      permissions: {
        authorize: async requests =>
          requests.map(() => ({ result: AuthorizeResult.DENY })),
      },
    });
    const get = (ref: string) =>
      request(server)
        .get(`/api/manage/teams/${encodeURIComponent(ref)}/summary`)
        .set('Authorization', user);
    expect((await get('group:default/squad-1')).status).toBe(404);
    expect((await get('component:default/svc-1')).status).toBe(400);
  });

  it('refuses unauthenticated callers', async () => {
    const { server } = await setup(id);
    const res = await request(server)
      .get(
        `/api/manage/teams/${encodeURIComponent(
          'group:default/squad-1',
        )}/summary`,
      )
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
    const push = await request(server)
      .post('/api/manage/kpis')
      .set('Authorization', mockCredentials.none.header())
      .send({ samples: [] });
    expect(push.status).toBe(401);
  });

  it('loads a sample file on its schedule, all or nothing', async () => {
    const { run, summary, sampleCount } = await setup(id, {
      config: {
        manage: {
          kpiSources: [
            {
              id: 'good',
              target: path.join(__dirname, '__fixtures__/kpis.json'),
            },
            { id: 'bad', target: path.join(__dirname, '__fixtures__/org.ts') },
          ],
        },
      },
    });
    await run('manage-kpi-provider:file:good');
    // The fixture's `monthsAgo: 1` is stored as last month.
    expect((await summary('group:default/tribe-a')).trend).toEqual([
      expect.objectContaining({ period: lastMonth, cloudCost: 150 }),
    ]);
    await expect(run('manage-kpi-provider:file:bad')).rejects.toThrow(
      'is not valid JSON',
    );
    expect(await sampleCount()).toBe(2);
  });

  it.each([
    ['a year before', -12],
    ['a year after', 12],
  ])(
    'loads the demo KPIs ending at the current month on a clock %s today',
    async (_, shift) => {
      const real = new Date();
      const realMonth = real.toISOString().slice(0, 7);
      const shifted = new Date(
        Date.UTC(real.getUTCFullYear(), real.getUTCMonth() + shift, 15, 12),
      );
      fakeDate(shifted);
      const { run, push, sampleCount, knex } = await setup(id, {
        config: { manage: { kpiSources: [{ id: 'demo', target: demoFile }] } },
      });
      await run('manage-kpi-provider:file:demo');

      const file = JSON.parse(readFileSync(demoFile, 'utf8')).samples;
      expect(await sampleCount()).toBe(file.length);
      const [range] = await knex('manage_kpi_samples')
        .min({ oldest: 'period' })
        .max({ newest: 'period' });
      expect(range).toEqual({
        oldest: new Date(
          Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth() - 11),
        )
          .toISOString()
          .slice(0, 7),
        newest: shifted.toISOString().slice(0, 7),
      });
      // The fake clock reaches the push API too: the real month is the future a year before, the past a year after.
      const res = await push([
        {
          entityRef: 'component:default/svc-1',
          kpi: 'incidents',
          period: realMonth,
          value: 1,
        },
      ]);
      expect(res.status).toBe(shift < 0 ? 400 : 201);
    },
  );
});
