import {
  createBackendModule,
  SchedulerServiceTaskFunction,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import searchPlugin from '@backstage/plugin-search-backend';
import { Readable } from 'node:stream';
import request from 'supertest';
import { searchModuleIndexStatus } from './module';

// A collator of two documents whose runs the test starts by hand (in place of the scheduler), so the test sees the
// search API before the first collation and after it.
function manualCollator(type: string, documents: object[]) {
  const runs: SchedulerServiceTaskFunction[] = [];
  const module = createBackendModule({
    pluginId: 'search',
    moduleId: `test-collator-${type}`,
    register(reg) {
      reg.registerInit({
        deps: { registry: searchIndexRegistryExtensionPoint },
        async init({ registry }) {
          registry.addCollator({
            schedule: { run: async task => void runs.push(task.fn) },
            factory: {
              type,
              getCollator: async () => Readable.from(documents),
            },
          });
        },
      });
    },
  });
  const collate = async () => {
    for (const fn of runs) await fn(new AbortController().signal);
  };
  return { module, collate };
}

const docs = [
  { title: 'checkout-service', text: 'Takes payments', location: '/a' },
  { title: 'storefront-web', text: 'The shop', location: '/b' },
];

const search = (server: any, types: string[]) =>
  request(server)
    .get('/api/search/query')
    .query({ term: 'checkout', types })
    .set('Authorization', mockCredentials.user.header());

describe('searchModuleIndexStatus (Lunr on SQLite)', () => {
  it('answers 200 with an empty result and a notice until the first collation, then the results', async () => {
    const catalog = manualCollator('software-catalog', docs);
    const techdocs = manualCollator('techdocs', []);
    const { server } = await startTestBackend({
      features: [
        searchPlugin,
        searchModuleIndexStatus,
        catalog.module,
        techdocs.module,
      ],
    });

    const before = await search(server, ['software-catalog', 'techdocs']);
    expect(before.status).toBe(200);
    expect(before.body.results).toEqual([]);
    expect(before.body.indexNotice).toEqual({
      building: ['software-catalog', 'techdocs'],
      empty: [],
      message: expect.stringContaining(
        'The search index for software-catalog, techdocs is being built',
      ),
    });

    await catalog.collate();
    await techdocs.collate(); // no documents: Lunr creates no index for it
    const after = await search(server, ['software-catalog', 'techdocs']);
    expect(after.status).toBe(200);
    expect(after.body.results.map((r: any) => r.document.title)).toEqual([
      'checkout-service',
    ]);
    expect(after.body.indexNotice).toBeUndefined();

    const empty = await search(server, ['techdocs']);
    expect(empty.status).toBe(200);
    expect(empty.body.results).toEqual([]);
    expect(empty.body.indexNotice).toEqual({
      building: [],
      empty: ['techdocs'],
      message: 'Nothing is indexed for techdocs.',
    });
  });

  it('is what stands between a fresh start and a 500 (upstream Lunr without this module)', async () => {
    const catalog = manualCollator('software-catalog', docs);
    const { server } = await startTestBackend({
      features: [searchPlugin, catalog.module],
    });
    const res = await search(server, ['software-catalog']);
    expect(res.status).toBe(500);
    expect(res.body.error.message).toContain(
      'Missing index for software-catalog',
    );
  });
});

describe('searchModuleIndexStatus (PostgreSQL)', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

  it.each(databases.eachSupportedId())(
    'keeps the index in %p: a second start answers with the results before any collation',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const start = async () => {
        const catalog = manualCollator('software-catalog', docs);
        const backend = await startTestBackend({
          features: [
            searchPlugin,
            searchModuleIndexStatus,
            catalog.module,
            mockServices.database.factory({ knex }),
          ],
        });
        return { backend, server: backend.server, catalog };
      };

      const first = await start();
      const fresh = await search(first.server, ['software-catalog']);
      expect(fresh.status).toBe(200);
      expect(fresh.body.results).toEqual([]);
      await first.catalog.collate();
      expect(
        (await search(first.server, ['software-catalog'])).body.results,
      ).toHaveLength(1);
      await first.backend.stop();

      const second = await start(); // no collation
      const res = await search(second.server, ['software-catalog']);
      expect(res.status).toBe(200);
      expect(res.body.results.map((r: any) => r.document.title)).toEqual([
        'checkout-service',
      ]);
      await second.backend.stop();
    },
  );
});
