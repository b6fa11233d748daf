import fs from 'fs';
import path from 'path';
import { Entity } from '@backstage/catalog-model';
import {
  component,
  definitionsDir,
  entities,
  NODE_22,
  PYTHON_3,
} from '../__fixtures__/fixtures';
import {
  defaultDefinitions,
  migrationService,
  storeDatabases,
} from '../__testUtils__/testBackend';
import { inScope } from './evaluate';
import { healthOf } from './MigrationService';

const databases = storeDatabases();
jest.setTimeout(60_000);

async function setup(
  databaseId: Parameters<typeof databases.init>[0],
  files: Record<string, string> = defaultDefinitions(),
  catalog: Entity[] = entities,
) {
  const knex = await databases.init(databaseId);
  let now = new Date('2026-05-01T12:00:00Z');
  const list = [...catalog];
  const dir = definitionsDir(files);
  const { store, service } = await migrationService({
    knex,
    definitionsDir: dir,
    listEntities: async kinds =>
      list.filter(e => kinds.includes(e.kind.toLocaleLowerCase('en-US'))),
    now: () => now,
  });
  const lookup = async (refs: string[]) =>
    refs.map(ref =>
      list.find(
        e => `${e.kind}:default/${e.metadata.name}`.toLocaleLowerCase() === ref,
      ),
    );
  return {
    dir,
    knex,
    store,
    service,
    list,
    lookup,
    setNow: (iso: string) => {
      now = new Date(iso);
    },
  };
}

describe.each(databases.eachSupportedId())(
  'MigrationService on %p',
  databaseId => {
    it('filters the scope and checks facts, with exemptions', async () => {
      const { service } = await setup(databaseId);
      const result = await service.evaluateAll();
      expect(result.errors).toEqual([]);

      const python = await service.entities('python-3');
      expect(python.map(e => [e.entityRef, e.status])).toEqual([
        ['component:default/cart-py', 'remaining'],
        ['component:default/fraud-api', 'done'],
        ['component:default/money-utils', 'exempt'],
        ['component:default/indexer', 'remaining'],
        ['component:default/ranker', 'done'],
        ['component:default/search-api', 'done'],
      ]);
      // The API entity is of a kind in scope but its type is not; the website has no python tag.
      expect(
        python.find(e => e.entityRef.includes('py-api-def')),
      ).toBeUndefined();
      expect(
        python.find(e => e.entityRef.includes('money-utils'))?.detail,
      ).toBe('being deleted (until 2026-06-30)');
      expect(python.find(e => e.entityRef.includes('cart-py'))?.detail).toBe(
        "metadata.annotations['example.com/python-version'] is 2 (needs ≥ 3)",
      );

      const [node, py] = await service
        .listSummaries()
        .then(s =>
          ['node-22', 'python-3'].map(id => s.find(m => m.id === id)!),
        );
      expect(py).toMatchObject({
        done: 3,
        remaining: 2,
        exempt: 1,
        total: 6,
        percent: 60,
      });
      expect(node).toMatchObject({ done: 0, remaining: 1, percent: 0 });
      expect(py.daysToTarget).toBe(244);
    });

    it('rolls squads up into tribes, ranked by percent done', async () => {
      const { service } = await setup(databaseId);
      await service.evaluateAll();
      const { tribes } = await service.leaderboard('python-3');
      expect(
        tribes.map(t => [
          t.teamRef,
          t.percent,
          t.squads.map(s => [s.teamRef, s.percent]),
        ]),
      ).toEqual([
        [
          'group:default/experience-tribe',
          66.7,
          [['group:default/search-squad', 66.7]],
        ],
        [
          'group:default/payments-tribe',
          50,
          [
            ['group:default/fraud-squad', 100],
            ['group:default/checkout-squad', 0],
          ],
        ],
      ]);
      const payments = tribes[1];
      expect(payments).toMatchObject({
        done: 1,
        remaining: 1,
        exempt: 1,
        total: 3,
      });
      expect(payments.done).toBe(
        payments.squads.reduce((n, s) => n + s.done, 0),
      );
    });

    it('drops an exemption once it has expired and keeps daily snapshots', async () => {
      const { service, setNow } = await setup(databaseId);
      await service.evaluateAll();
      setNow('2026-07-01T08:00:00Z');
      await service.evaluateAll();
      await service.evaluateAll(); // same day again: one row per day

      const money = (await service.entities('python-3')).find(e =>
        e.entityRef.includes('money-utils'),
      );
      expect(money?.status).toBe('remaining');
      const { points, targetDate } = await service.burnup('python-3');
      expect(targetDate).toBe('2026-12-31');
      expect(points).toEqual([
        { day: '2026-05-01', done: 3, remaining: 2, exempt: 1, total: 6 },
        { day: '2026-07-01', done: 3, remaining: 3, exempt: 0, total: 6 },
      ]);
      const fraud = await service.burnup(
        'python-3',
        'group:default/fraud-squad',
      );
      expect(fraud.points.map(p => p.remaining)).toEqual([0, 1]);
      const tribe = await service.burnup(
        'python-3',
        'group:default/payments-tribe',
      );
      expect(tribe.points.map(p => p.done)).toEqual([1, 1]);
    });

    it('re-evaluates pushed facts and moves the team up', async () => {
      const { service, lookup, knex } = await setup(databaseId);
      await service.evaluateAll();
      expect(
        (await service.teamItems('group:default/checkout-squad')).map(
          i => i.entityRef,
        ),
      ).toEqual([
        'component:default/cart-py',
        'component:default/checkout-web',
      ]);

      await expect(
        service.pushFacts(
          {
            entities: [
              {
                entityRef: 'component:default/checkout-web',
                facts: { nodeVersion: '22.4.0' },
              },
              {
                entityRef: 'component:default/nope',
                facts: { nodeVersion: '22' },
              },
            ],
          },
          'user:default/ci',
          lookup,
        ),
      ).rejects.toThrow('entities: not in the catalog: component:default/nope');
      expect(await knex('tm_facts')).toEqual([]);

      const result = await service.pushFacts(
        {
          entities: [
            {
              entityRef: 'component:default/checkout-web',
              facts: { nodeVersion: '22.4.0' },
            },
          ],
        },
        'user:default/ci',
        lookup,
      );
      expect(result).toEqual({ stored: 1, reevaluated: 1 });
      const items = await service.entityItems('component:default/checkout-web');
      expect(items).toMatchObject([{ migrationId: 'node-22', status: 'done' }]);
      expect(
        (await service.listSummaries()).find(m => m.id === 'node-22')?.percent,
      ).toBe(100);
      // A full pass keeps the pushed fact.
      await service.evaluateAll();
      expect(
        (await service.entityItems('component:default/checkout-web'))[0].status,
      ).toBe('done');
    });

    it('skips a bad definition, names file and field, and keeps the others', async () => {
      const bad = PYTHON_3.replace(
        'title: Python 3',
        'title: Broken\nowners: x',
      ).replace("targetDate: '2026-12-31'", "targetDate: '2025-12-31'");
      const { service, store } = await setup(databaseId, {
        'node-22.yaml': NODE_22,
        'python-3.yaml': bad,
        'weird.yaml': NODE_22.replace("operator: '>='", "operator: 'gte'"),
      });
      const { errors } = await service.evaluateAll();
      expect(errors.map(e => e.file)).toEqual(['python-3.yaml', 'weird.yaml']);
      expect(errors[0].message).toContain(
        "python-3.yaml: Unrecognized key(s) in object: 'owners'",
      );
      expect(errors[0].message).toContain(
        'target date 2025-12-31 is before start date 2026-01-01 at "targetDate"',
      );
      expect(errors[1].message).toMatch(
        /^weird\.yaml: Invalid enum value.* at "check\.any\[0\]\.operator"/,
      );
      expect((await store.listMigrations()).map(m => m.id)).toEqual([
        'node-22',
      ]);
      expect((await service.leaderboard('node-22')).tribes).toHaveLength(1);
    });
  },
);

describe.each(databases.eachSupportedId())(
  'definition changes on %p',
  databaseId => {
    it('keeps the burn-up of a migration whose file is broken for a while, and a wrong folder wipes nothing', async () => {
      const { service, store, knex, dir, setNow } = await setup(databaseId);
      await service.evaluateAll();
      fs.writeFileSync(path.join(dir, 'python-3.yaml'), 'title: [oops');
      setNow('2026-05-02T12:00:00Z');
      const broken = await service.evaluateAll();
      expect(broken.errors[0].message).toMatch(/^python-3\.yaml: invalid YAML/);
      expect((await store.listMigrations()).map(m => m.id)).toEqual([
        'node-22',
      ]);
      expect(
        await knex('tm_entity_status').where('migration_id', 'python-3'),
      ).toEqual([]);

      fs.writeFileSync(path.join(dir, 'python-3.yaml'), PYTHON_3);
      setNow('2026-05-03T12:00:00Z');
      await service.evaluateAll();
      const { points } = await service.burnup('python-3');
      expect(points.map(p => p.day)).toEqual(['2026-05-01', '2026-05-03']);

      fs.rmSync(dir, { recursive: true });
      const skipped = await service.evaluateAll();
      expect(skipped.errors[0].message).toContain(
        'cannot read the definitions folder',
      );
      expect((await store.listMigrations()).map(m => m.id)).toEqual([
        'python-3',
        'node-22',
      ]);
    });
  },
);

describe.each(databases.eachSupportedId())(
  'fix templates on %p',
  databaseId => {
    const template = (name: string): Entity => ({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name, namespace: 'default' },
      spec: { type: 'fix', steps: [] },
    });

    it('offers a known template, tracks a definition naming an unknown one without it, and refuses a non-template ref', async () => {
      const { service } = await setup(
        databaseId,
        {
          'node-22.yaml': `${NODE_22}fixTemplate: template:default/Bump-Node-Version\n`,
          'python-3.yaml': `${PYTHON_3}fixTemplate: upgrade-python\n`,
          'go-1.yaml': `${NODE_22.replace(
            'Node 22',
            'Go 1',
          )}fixTemplate: group:default/checkout-squad\n`,
        },
        [...entities, template('bump-node-version')],
      );
      const { errors } = await service.evaluateAll();
      expect(errors.map(e => e.message)).toEqual([
        'go-1.yaml: \'group:default/checkout-squad\' is not a Template; a fix template is a ref like template:default/<name> at "fixTemplate"',
        'python-3.yaml: fixTemplate: template:default/upgrade-python is not in the catalog; the migration is tracked without a fix template',
      ]);
      const summaries = await service.listSummaries();
      expect(summaries.map(m => [m.id, m.fixTemplate])).toEqual([
        ['python-3', undefined],
        ['node-22', 'template:default/bump-node-version'],
      ]);
      // python-3 is still evaluated: only its fix is left out.
      expect((await service.entities('python-3')).length).toBe(6);
      expect(
        (await service.entityItems('component:default/checkout-web')).map(i => [
          i.migrationId,
          i.status,
          i.fixTemplate,
        ]),
      ).toEqual([
        ['node-22', 'remaining', 'template:default/bump-node-version'],
      ]);
    });
  },
);

describe('healthOf', () => {
  const base = { startDate: '2026-01-01', targetDate: '2026-12-31' };
  it.each([
    ['done with nothing remaining', '2026-06-01', 0, [], 'done'],
    ['overdue past the target', '2027-01-02', 3, [], 'overdue'],
    [
      'at risk with no progress over the window',
      '2026-06-11',
      20,
      [
        { day: '2026-06-01', done: 10 },
        { day: '2026-06-11', done: 10 },
      ],
      'atRisk',
    ],
    // The trend runs from the start date: 1 done in 151 days, 5 left: too slow.
    [
      'at risk from one day of history too slow since the start',
      '2026-06-01',
      5,
      [{ day: '2026-06-01', done: 1 }],
      'atRisk',
    ],
  ])('is %s', (_case, today, remaining, history, health) => {
    expect(healthOf({ ...base, today, remaining, history }).health).toBe(
      health,
    );
  });

  it('is on track, with the projected date, when the trend ends before the target', () => {
    // 10 done in 10 days, 20 left: 20 more days, well before the target.
    expect(
      healthOf({
        ...base,
        today: '2026-06-11',
        remaining: 20,
        history: [
          { day: '2026-06-01', done: 10 },
          { day: '2026-06-11', done: 20 },
        ],
      }),
    ).toEqual({ health: 'onTrack', projectedDate: '2026-07-01' });
  });
});

describe('scope', () => {
  it('matches lifecycle and system', () => {
    const e = component('x', {
      owner: 'a',
      lifecycle: 'deprecated',
      system: 'storefront',
    });
    expect(inScope(e, { lifecycle: ['production'] })).toBe(false);
    expect(inScope(e, { lifecycle: ['Deprecated'] })).toBe(true);
    expect(inScope(e, { system: ['system:default/storefront'] })).toBe(true);
    expect(inScope(e, { system: ['checkout'] })).toBe(false);
    expect(inScope(e, { kind: ['API'] })).toBe(false);
  });
});
