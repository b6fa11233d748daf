import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
import goldenPathModule from '@internal/plugin-scaffolder-backend-module-golden-path';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';

// Which templates each environment registers, and whether the backend it runs installs every action their steps
// use there. The production image has the scaffolder, its GitHub module and our golden-path module (src/index.ts);
// steps guarded by `publishTarget === 'local'` run only in development, with the dev-only local git module.
const root = path.resolve(__dirname, '../../..');

function templateLocations(file: string): string[] {
  const config = parse(fs.readFileSync(path.join(root, file), 'utf8'));
  return (
    config.catalog.locations as {
      target: string;
      rules?: { allow: string[] }[];
    }[]
  )
    .filter(l => l.rules?.some(r => r.allow.includes('Template')))
    .map(l =>
      path.relative('templates', l.target.replace(/^(\.\.\/\.\.\/|\.\/)/, '')),
    );
}

type Step = { id: string; action: string; if?: string };
const stepsOf = (template: string): Step[] =>
  parse(fs.readFileSync(path.join(root, 'templates', template), 'utf8')).spec
    .steps;

describe('golden-path templates', () => {
  it('the fix template of the Node 22 migration is registered in development and production', () => {
    for (const file of ['app-config.yaml', 'app-config.production.yaml']) {
      expect(templateLocations(file)).toContain(
        'bump-node-version/template.yaml',
      );
    }
    const migration = parse(
      fs.readFileSync(
        path.join(root, 'catalog/migrations/node-22.yaml'),
        'utf8',
      ),
    );
    expect(migration.fixTemplate).toBe('template:default/bump-node-version');
  });

  it('every production template step uses an action the production backend installs', async () => {
    const { server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        githubModule,
        goldenPathModule,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: {
            integrations: { github: [{ host: 'github.com', token: 'x' }] },
          },
        }),
      ],
    });
    const res = await request(server)
      .get('/api/scaffolder/v2/actions')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    const installed = new Set((res.body as { id: string }[]).map(a => a.id));
    const missing = templateLocations('app-config.production.yaml').flatMap(t =>
      stepsOf(t)
        .filter(s => !s.if?.includes("publishTarget === 'local'"))
        .filter(s => !installed.has(s.action))
        .map(s => `${t}: ${s.id} (${s.action})`),
    );
    expect(missing).toEqual([]);
    expect(installed).toContain('node:bump-version');
  });
});
