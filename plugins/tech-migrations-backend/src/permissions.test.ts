import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import request from 'supertest';
import {
  portalPolicyConfig,
  portalPolicyFeatures,
} from '@internal/backend-test-utils';
import {
  evaluate,
  pushFacts,
  startTechMigrations,
} from './__testUtils__/testBackend';

jest.setTimeout(60_000);

const memberships = {
  'user:default/member': ['group:default/checkout-squad'],
  'user:default/admin': [
    'group:default/fraud-squad',
    'group:default/platform-admins',
  ],
};

async function start(features: any[], config: object = {}) {
  return request(await startTechMigrations({ features, config }));
}

const member = mockCredentials.user.header('user:default/member');
const admin = mockCredentials.user.header('user:default/admin');
const ci = mockCredentials.service.header();
const facts = {
  entities: [
    {
      entityRef: 'component:default/checkout-web',
      facts: { nodeVersion: '22' },
    },
  ],
};

describe('tech-migrations writes under the portal policy', () => {
  const policy = () =>
    start(portalPolicyFeatures(memberships), portalPolicyConfig);

  it('refuses fact pushes, evaluation and the notification pass to a user who is not an admin with 403', async () => {
    const api = await policy();
    const push = await pushFacts(api, member, facts);
    expect(push.status).toBe(403);
    expect(push.body.error).toMatchObject({
      name: 'NotAllowedError',
      message: 'Pushing migration facts is not allowed',
    });
    const refused = await evaluate(api, member);
    expect(refused.status).toBe(403);
    expect(refused.body.error.name).toBe('NotAllowedError');
    const notify = await api
      .post('/api/tech-migrations/notify')
      .set('Authorization', member);
    expect(notify.status).toBe(403);
    expect(notify.body.error).toMatchObject({
      name: 'NotAllowedError',
      message: 'Running the notification pass is not allowed',
    });
  });

  it.each([
    ['a member of the admins group', admin],
    ['a service principal (the CI token)', ci],
  ])(
    'lets %s evaluate, push facts and run the notification pass',
    async (_who, authorization) => {
      const api = await policy();
      await evaluate(api, authorization).expect(200);
      const push = await pushFacts(api, authorization, facts);
      expect(push.status).toBe(200);
      expect(push.body).toEqual({ stored: 1, reevaluated: 1 });
      const notify = await api
        .post('/api/tech-migrations/notify')
        .set('Authorization', authorization);
      expect(notify.status).toBe(200);
      expect(notify.body).toMatchObject({ failed: 0 });
    },
  );
});

describe('tech-migrations reads are filtered by catalog read permission', () => {
  // A conditional policy that lets the caller read the payments tribe, the fraud squad, its two components and
  // one of the checkout squad's components (cart-py), nothing else.
  const readable = new Set([
    'group:default/payments-tribe',
    'group:default/fraud-squad',
    'component:default/fraud-api',
    'component:default/money-utils',
    'component:default/cart-py',
  ]);
  const permissions = mockServices.permissions.mock({
    authorizeConditional: async queries =>
      queries.map(() => ({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'TEST',
          resourceType: 'catalog-entity',
          params: {},
        },
      })),
    authorize: async requests =>
      requests.map(r => ({
        result:
          !isResourcePermission(r.permission) ||
          readable.has(r.resourceRef ?? '')
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      })),
  });

  async function evaluated() {
    const api = await start([permissions.factory]);
    await evaluate(api, ci).expect(200);
    return api;
  }

  it('lists only readable entities of a migration', async () => {
    const api = await evaluated();
    const res = await api
      .get('/api/tech-migrations/migrations/python-3/entities')
      .set('Authorization', member)
      .expect(200);
    expect(res.body.entities.map((e: any) => e.entityRef).sort()).toEqual([
      'component:default/cart-py',
      'component:default/fraud-api',
      'component:default/money-utils',
    ]);
  });

  it('answers an unreadable entity and team like ones without migrations', async () => {
    const api = await evaluated();
    const entity = (entityRef: string) =>
      api
        .get('/api/tech-migrations/entity')
        .query({ entityRef })
        .set('Authorization', member)
        .expect(200);
    expect(
      (await entity('component:default/fraud-api')).body.items,
    ).toHaveLength(1);
    expect((await entity('component:default/ranker')).body.items).toEqual([]);
    const team = (groupRef: string) =>
      api
        .get('/api/tech-migrations/team-items')
        .query({ groupRef })
        .set('Authorization', member)
        .expect(200);
    // The tribe's remaining items include py-api-def, which the caller may not read; the squad itself is unreadable.
    expect(
      (await team('group:default/payments-tribe')).body.items.map(
        (i: any) => i.entityRef,
      ),
    ).toEqual(['component:default/cart-py', 'component:default/money-utils']);
    expect((await team('group:default/checkout-squad')).body.items).toEqual([]);
  });

  it('leaves unreadable teams out of the leaderboard', async () => {
    const api = await evaluated();
    const res = await api
      .get('/api/tech-migrations/migrations/python-3/leaderboard')
      .set('Authorization', member)
      .expect(200);
    expect(
      res.body.tribes.map((t: any) => [
        t.teamRef,
        t.squads.map((s: any) => s.teamRef),
      ]),
    ).toEqual([
      ['group:default/payments-tribe', ['group:default/fraud-squad']],
    ]);
  });
});
