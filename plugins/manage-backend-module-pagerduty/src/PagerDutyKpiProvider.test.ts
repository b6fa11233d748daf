import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { annotatedComponent } from '@internal/plugin-manage-node/testUtils';
import { PagerDutyKpiProvider } from './PagerDutyKpiProvider';

const server = setupServer();
registerMswTestHooks(server);

const BASE = 'https://api.pagerduty.test';
const component = annotatedComponent('pagerduty.com/service-id');

// PagerDuty's incident object (the fields read here), as GET /incidents documents it.
const incident = (
  id: string,
  service: string,
  created: string,
  resolved?: string,
) => ({
  id,
  type: 'incident',
  status: resolved ? 'resolved' : 'triggered',
  created_at: created,
  resolved_at: resolved ?? null,
  service: { id: service, type: 'service_reference' },
});

function provider(sleep = jest.fn(async () => {})) {
  return new PagerDutyKpiProvider(
    {
      token: 'pd-token',
      baseUrl: BASE,
      months: 2,
      maxRetries: 2,
      schedule: { frequency: { hours: 1 }, timeout: { minutes: 5 } },
    },
    catalogServiceMock({
      entities: [
        component('payments', 'PPAY'),
        component('orders', 'PORD'),
        component('no-pager'),
      ],
    }),
    mockServices.auth(),
    mockServices.logger.mock(),
    () => new Date('2026-03-10T12:00:00Z'),
    sleep,
  );
}

const value = (
  samples: unknown[],
  entityRef: string,
  kpi: string,
  period: string,
) =>
  (samples as any[]).find(
    s => s.entityRef === entityRef && s.kpi === kpi && s.period === period,
  )?.value;

describe('PagerDutyKpiProvider', () => {
  it('counts incidents and repair minutes per annotated entity and month over every page', async () => {
    const requests: URL[] = [];
    server.use(
      http.get(`${BASE}/incidents`, ({ request }) => {
        const url = new URL(request.url);
        requests.push(url);
        expect(request.headers.get('authorization')).toBe(
          'Token token=pd-token',
        );
        if (url.searchParams.get('offset') === '0') {
          return HttpResponse.json({
            incidents: [
              incident(
                'Q1',
                'PPAY',
                '2026-02-03T10:00:00Z',
                '2026-02-03T10:30:00Z',
              ),
              incident(
                'Q2',
                'PPAY',
                '2026-02-20T08:00:00Z',
                '2026-02-20T09:00:00Z',
              ),
            ],
            limit: 100,
            offset: 0,
            more: true,
            total: null,
          });
        }
        return HttpResponse.json({
          incidents: [
            incident(
              'Q3',
              'PORD',
              '2026-03-01T00:00:00Z',
              '2026-03-01T00:15:00Z',
            ),
            incident('Q4', 'PPAY', '2026-03-09T00:00:00Z'), // still open: counted, no minutes yet
          ],
          limit: 100,
          offset: 100,
          more: false,
          total: null,
        });
      }),
    );

    const samples = await provider().collect();

    expect(requests.map(u => u.searchParams.get('offset'))).toEqual([
      '0',
      '100',
    ]);
    expect(requests[0].searchParams.getAll('service_ids[]').sort()).toEqual([
      'PORD',
      'PPAY',
    ]);
    expect(requests[0].searchParams.get('since')).toBe('2026-02-01T00:00:00Z');
    expect(requests[0].searchParams.get('until')).toBe(
      '2026-03-10T12:00:00.000Z',
    );
    const pay = 'component:default/payments';
    const ord = 'component:default/orders';
    expect(value(samples, pay, 'incidents', '2026-02')).toBe(2);
    expect(value(samples, pay, 'incident-repair-minutes', '2026-02')).toBe(90);
    expect(value(samples, pay, 'incidents', '2026-03')).toBe(1);
    expect(value(samples, pay, 'incident-repair-minutes', '2026-03')).toBe(0);
    expect(value(samples, ord, 'incidents', '2026-03')).toBe(1);
    expect(value(samples, ord, 'incident-repair-minutes', '2026-03')).toBe(15);
    // a quiet month is a 0, so it replaces an older number
    expect(value(samples, ord, 'incidents', '2026-02')).toBe(0);
    // 2 entities x 2 months x 2 KPIs; the entity without the annotation has none
    expect(samples).toHaveLength(8);
  });

  it('waits Retry-After on a 429 and then goes on', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/incidents`, () => {
        calls += 1;
        if (calls === 1) {
          return HttpResponse.json(
            { error: { message: 'Rate Limit Exceeded', code: 2020 } },
            { status: 429, headers: { 'Retry-After': '7' } },
          );
        }
        return HttpResponse.json({ incidents: [], more: false });
      }),
    );
    const sleep = jest.fn(async () => {});
    await expect(provider(sleep).collect()).resolves.toHaveLength(8);
    expect(sleep).toHaveBeenCalledWith(7000);
    expect(calls).toBe(2);
  });

  it('fails clearly when the rate limit persists, storing nothing', async () => {
    server.use(
      http.get(`${BASE}/incidents`, () =>
        HttpResponse.json(
          { error: { message: 'Rate Limit Exceeded', code: 2020 } },
          { status: 429, headers: { 'Retry-After': '1' } },
        ),
      ),
    );
    await expect(provider().collect()).rejects.toThrow(
      /PagerDuty GET \/incidents failed \(rate limited 3 times\)/,
    );
  });

  it('fails clearly on a refused token', async () => {
    server.use(
      http.get(`${BASE}/incidents`, () =>
        HttpResponse.json(
          { error: { message: 'Unauthorized', code: 2006 } },
          { status: 401 },
        ),
      ),
    );
    await expect(provider().collect()).rejects.toThrow(
      /PagerDuty GET \/incidents failed: .*401/,
    );
  });
});
