import type { UrlReaderService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { createBumpNodeVersionAction } from './bumpNodeVersion';

/** A repository's files by URL, served the way a UrlReader does: a missing file is a NotFoundError. */
function readerOf(files: Record<string, string>) {
  const read: string[] = [];
  const reader = {
    readUrl: async (url: string) => {
      read.push(url);
      if (!(url in files)) throw new NotFoundError(`${url} not found`);
      return { buffer: async () => Buffer.from(files[url]) };
    },
  } as unknown as UrlReaderService;
  return { reader, read };
}

const component = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'cart-service', namespace: 'default', annotations },
  spec: { type: 'service', owner: 'checkout-squad' },
});

const packageJson = `{
  "name": "cart-service",
  "engines": { "node": ">=18" },
  "devDependencies": { "@types/node": "^18.0.0" }
}
`;

describe('node:bump-version', () => {
  const workspace = createMockDirectory();
  beforeEach(() => workspace.clear());

  async function run(
    entity: Entity,
    files: Record<string, string>,
    nodeVersion = 22,
  ) {
    const { reader, read } = readerOf(files);
    const ctx = createMockActionContext({
      input: { entity, nodeVersion, targetPath: 'change' },
      workspacePath: workspace.path,
    });
    await createBumpNodeVersionAction(reader).handler(ctx);
    const outputs = Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
    );
    return { outputs, read };
  }

  it("bumps a GitHub repository's .nvmrc, engines.node and Dockerfile FROM, writing only those at their place", async () => {
    const base = 'https://github.com/example-org/shop/blob/main/services/cart';
    const { outputs, read } = await run(
      component({
        'backstage.io/source-location':
          'url:https://github.com/example-org/shop/tree/main/services/cart/',
      }),
      {
        [`${base}/.nvmrc`]: 'v18.19.0\n',
        [`${base}/package.json`]: packageJson,
        [`${base}/Dockerfile`]:
          'FROM --platform=linux/amd64 node:18.19-alpine AS build\nRUN npm ci\nFROM node:18-alpine@sha256:abc123\nFROM nginx:1.25\n',
      },
    );
    expect(read).toEqual([
      `${base}/.nvmrc`,
      `${base}/.node-version`,
      `${base}/package.json`,
      `${base}/Dockerfile`,
    ]);
    expect(workspace.content({ shouldReadAsText: true })).toEqual({
      change: {
        services: {
          cart: {
            '.nvmrc': '22\n',
            // Only the engines range changes; formatting and @types/node stay.
            'package.json': packageJson.replace('">=18"', '">=22"'),
            Dockerfile:
              'FROM --platform=linux/amd64 node:22-alpine AS build\nRUN npm ci\nFROM node:22-alpine\nFROM nginx:1.25\n',
          },
        },
      },
    });
    expect(outputs).toEqual({
      repoName: 'shop',
      owner: 'example-org',
      repoUrl: 'github.com?owner=example-org&repo=shop',
      branch: 'main',
      changedFiles: [
        'services/cart/.nvmrc',
        'services/cart/package.json',
        'services/cart/Dockerfile',
      ],
      description: [
        'Moves shop to Node.js 22:',
        '',
        '- `services/cart/.nvmrc`: v18.19.0 → 22',
        '- `services/cart/package.json`: engines.node >=18 → >=22',
        '- `services/cart/Dockerfile`: node:18.19-alpine → node:22-alpine, node:18-alpine → node:22-alpine',
      ].join('\n'),
    });
  });

  it('finds a local repository from the catalog file it was registered from, and leaves files already at the target', async () => {
    const base = 'https://git.localhost/cart-service/blob/main';
    const { outputs } = await run(
      component({
        'backstage.io/managed-by-location': `url:${base}/catalog-info.yaml`,
      }),
      {
        [`${base}/.node-version`]: '20.11.1',
        [`${base}/package.json`]: '{"engines":{"node":"^22.0.0"}}',
        [`${base}/Dockerfile`]: 'FROM node:lts-alpine\n',
      },
    );
    expect(workspace.content({ shouldReadAsText: true })).toEqual({
      change: { '.node-version': '22\n' },
    });
    expect(outputs).toMatchObject({
      repoName: 'cart-service',
      repoUrl: 'git.localhost?repo=cart-service',
      branch: 'main',
      changedFiles: ['.node-version'],
    });
    expect(outputs.owner).toBeUndefined();
  });

  it('refuses a repository with nothing below the target, and an entity without a repository, writing nothing', async () => {
    const base = 'https://git.localhost/web/blob/main';
    const managed = {
      'backstage.io/managed-by-location': `url:${base}/catalog-info.yaml`,
    };
    await expect(
      run(component(managed), { [`${base}/.nvmrc`]: '22' }),
    ).rejects.toThrow(
      'Nothing to bump in web on main: no .nvmrc, .node-version, package.json, Dockerfile pins a Node.js major below 22',
    );
    await expect(
      run(
        component({
          'backstage.io/managed-by-location': 'file:/catalog/all.yaml',
        }),
        {},
      ),
    ).rejects.toThrow(
      'component:default/cart-service comes from a file location (/catalog/all.yaml), not a repository',
    );
    await expect(run(component({}), {})).rejects.toThrow(
      'component:default/cart-service has no backstage.io/source-location annotation and was not registered from a URL: its repository is unknown',
    );
    expect(workspace.content({ shouldReadAsText: true })).toEqual({});
  });

  it('passes on a read error other than a missing file', async () => {
    const reader = {
      readUrl: async () => {
        throw new Error('GitHub answered 502');
      },
    } as unknown as UrlReaderService;
    const ctx = createMockActionContext({
      input: {
        entity: component({
          'backstage.io/source-location':
            'url:https://github.com/example-org/shop/tree/main/',
        }),
        nodeVersion: 22,
      },
      workspacePath: workspace.path,
    });
    await expect(
      createBumpNodeVersionAction(reader).handler(ctx),
    ).rejects.toThrow('GitHub answered 502');
  });
});
