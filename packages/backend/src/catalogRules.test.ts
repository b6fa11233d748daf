import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader, JsonValue } from '@backstage/config';
import { ConfigSources } from '@backstage/config-loader';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';

jest.setTimeout(60_000);

// catalog.rules exactly as app-config.yaml declares them (production inherits them): a registered URL brings
// software kinds, never a User or a Group someone could sign in as or become a member of.
const root = path.resolve(__dirname, '../../..');

async function developmentCatalogRules(): Promise<JsonValue> {
  const source = ConfigSources.defaultForTargets({
    rootDir: root,
    targets: [
      { type: 'path' as const, target: path.join(root, 'app-config.yaml') },
    ],
    substitutionFunc: async name => `env-${name}`,
  });
  for await (const { configs } of source.readConfigData()) {
    return ConfigReader.fromConfigs(configs).get('catalog.rules');
  }
  throw new Error('no config read');
}

const component = `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: my-service }
spec: { type: service, lifecycle: production, owner: group:default/checkout-squad }
`;
const withOrg = `${component}---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: mallory }
spec: { memberOf: [platform-admins] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: platform-admins }
spec: { type: admins, children: [], members: [mallory] }
`;

describe('catalog rules for registered locations', () => {
  let upstream: http.Server;

  afterAll(() => new Promise(resolve => upstream.close(resolve)));

  it('registers a URL that brings software, and refuses one that brings a User or a Group', async () => {
    upstream = http.createServer((req, res) => {
      res.setHeader('content-type', 'text/yaml');
      res.end(req.url === '/with-org.yaml' ? withOrg : component);
    });
    await new Promise<void>(resolve =>
      upstream.listen(0, '127.0.0.1', resolve),
    );
    const host = `127.0.0.1:${(upstream.address() as AddressInfo).port}`;

    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        mockServices.rootConfig.factory({
          data: {
            backend: { reading: { allow: [{ host }] } },
            catalog: { rules: await developmentCatalogRules() },
          },
        }),
      ],
    });
    const register = (file: string) =>
      request(server)
        .post('/api/catalog/locations?dryRun=true')
        .set('Authorization', mockCredentials.user.header())
        .send({ type: 'url', target: `http://${host}/${file}` });

    const software = await register('component.yaml');
    expect(software.status).toBe(201);
    expect(
      software.body.entities
        .map((e: any) => `${e.kind}:${e.metadata.name}`)
        .filter((ref: string) => !ref.startsWith('Location:generated-')),
    ).toEqual(['Component:my-service']);

    const org = await register('with-org.yaml');
    expect(org.status).toBe(400);
    expect(org.body.error.message).toMatch(
      /^NotAllowedError: Entity user:default\/mallory at url:http:\/\/[\d.:]+\/with-org\.yaml, .* is not of an allowed kind for that location$/,
    );
  });
});
