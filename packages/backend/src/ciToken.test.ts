import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { ConfigReader, JsonValue } from '@backstage/config';
import { ConfigSources } from '@backstage/config-loader';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import managePlugin from '@internal/plugin-manage-backend';
import permissionPolicyModule from '@internal/plugin-permission-backend-module-policy';
import path from 'node:path';
import request from 'supertest';

jest.setTimeout(120_000);

// The CI token exactly as app-config.production.yaml declares it (externalAccess with its access restrictions),
// checked by the real auth and httpAuth services against real plugins.
const root = path.resolve(__dirname, '../../..');
const ciToken = 'ci-token-for-this-test-only';

async function productionBackendAuth(): Promise<JsonValue> {
  const source = ConfigSources.defaultForTargets({
    rootDir: root,
    targets: ['app-config.yaml', 'app-config.production.yaml'].map(f => ({
      type: 'path' as const,
      target: path.join(root, f),
    })),
    substitutionFunc: async name =>
      name === 'BACKEND_CI_TOKEN' ? ciToken : `env-${name}`,
  });
  for await (const { configs } of source.readConfigData()) {
    return ConfigReader.fromConfigs(configs).get('backend.auth');
  }
  throw new Error('no config read');
}

describe('the production CI token', () => {
  let api: ReturnType<typeof request>;
  const ci = `Bearer ${ciToken}`;

  beforeAll(async () => {
    const { server } = await startTestBackend({
      features: [
        authServiceFactory,
        httpAuthServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            backend: {
              baseUrl: 'http://localhost:7007',
              auth: await productionBackendAuth(),
            },
            permission: {
              enabled: true,
              policy: { adminGroups: ['group:default/platform-admins'] },
            },
            catalog: { rules: [{ allow: ['Component'] }] },
          },
        }),
        catalogPlugin,
        scaffolderPlugin,
        permissionPlugin,
        permissionPolicyModule,
        managePlugin,
      ],
    });
    api = request(server);
  });

  it('reads the catalog', async () => {
    const res = await api
      .get('/api/catalog/entities/by-query?limit=1')
      .set('Authorization', ci);
    expect(res.status).toBe(200);
  });

  it('pushes KPIs to manage', async () => {
    const res = await api
      .post('/api/manage/kpis')
      .set('Authorization', ci)
      .send({
        samples: [
          {
            entityRef: 'component:default/anything',
            kpi: 'incidents',
            period: '2026-01',
            value: 1,
          },
        ],
      });
    expect(res.status).toBe(201);
  });

  it.each([
    [
      'registering a location',
      () =>
        api.post('/api/catalog/locations').send({
          type: 'url',
          target: 'https://example.com/catalog-info.yaml',
        }),
    ],
    [
      'deleting an entity',
      () =>
        api.delete(
          '/api/catalog/entities/by-uid/00000000-0000-0000-0000-000000000000',
        ),
    ],
    [
      'refreshing an entity',
      () =>
        api
          .post('/api/catalog/refresh')
          .send({ entityRef: 'component:default/x' }),
    ],
    [
      'unregistering a location',
      () =>
        api.delete(
          '/api/catalog/locations/00000000-0000-0000-0000-000000000000',
        ),
    ],
  ])('is refused with 403 on catalog writes: %s', async (_what, call) => {
    const res = await call().set('Authorization', ci);
    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
  });

  it.each([
    ['running a template', () => api.post('/api/scaffolder/v2/tasks').send({})],
    ['listing tasks', () => api.get('/api/scaffolder/v2/tasks')],
  ])('is refused with 403 by the scaffolder: %s', async (_what, call) => {
    const res = await call().set('Authorization', ci);
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      name: 'NotAllowedError',
      message:
        "This token's access is restricted to plugin(s) 'manage', 'tech-migrations', 'catalog'",
    });
  });

  it('a token that is not the CI token answers 401', async () => {
    const res = await api
      .get('/api/catalog/entities/by-query?limit=1')
      .set('Authorization', 'Bearer not-the-ci-token');
    expect(res.status).toBe(401);
  });
});
