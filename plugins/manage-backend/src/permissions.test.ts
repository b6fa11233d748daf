import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  portalPolicyConfig,
  portalPolicyFeatures,
} from '@internal/backend-test-utils';
import { previousMonth, startManage } from './__testUtils__/testBackend';

jest.setTimeout(60_000);

const memberships = {
  'user:default/member': ['group:default/squad-1'],
  'user:default/admin': [
    'group:default/squad-2',
    'group:default/platform-admins',
  ],
};

async function start() {
  const { server } = await startManage({
    config: portalPolicyConfig,
    features: portalPolicyFeatures(memberships),
  });
  return request(server);
}

const lastMonth = previousMonth();
const samples = [
  {
    entityRef: 'component:default/svc-1',
    kpi: 'incidents',
    period: lastMonth,
    value: 3,
  },
];

describe('manage permissions under the portal policy', () => {
  it('refuses a KPI write to a user who is not an admin with 403', async () => {
    const api = await start();
    const res = await api
      .post('/api/manage/kpis')
      .set('Authorization', mockCredentials.user.header('user:default/member'))
      .send({ samples });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      name: 'NotAllowedError',
      message: 'Writing KPIs is not allowed',
    });
  });

  it.each([
    [
      'a member of the admins group',
      mockCredentials.user.header('user:default/admin'),
    ],
    ['a service principal (the CI token)', mockCredentials.service.header()],
  ])('lets %s write KPIs', async (_who, authorization) => {
    const api = await start();
    const res = await api
      .post('/api/manage/kpis')
      .set('Authorization', authorization)
      .send({ samples });
    expect(res.status).toBe(201);
    expect(res.body.stored).toBe(1);
  });

  it('lets every signed-in user read a team summary (the policy allows catalog reads)', async () => {
    const api = await start();
    const res = await api
      .get(
        `/api/manage/teams/${encodeURIComponent(
          'group:default/squad-3',
        )}/summary`,
      )
      .set('Authorization', mockCredentials.user.header('user:default/member'));
    expect(res.status).toBe(200);
    expect(res.body.team.ref).toBe('group:default/squad-3');
  });
});
