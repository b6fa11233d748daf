import { storeDatabases } from '../__testUtils__/testBackend';
import { ManageStore, MirroredEntity } from './ManageStore';

jest.setTimeout(60_000);

const databases = storeDatabases();

const entity = (name: string, ownerRef: string): MirroredEntity => ({
  entityRef: `component:default/${name}`,
  kind: 'Component',
  ownerRef,
});
const squad1 = 'group:default/squad-1';
const squad2 = 'group:default/squad-2';
const PERIODS = ['2026-01', '2026-02', '2026-03'];
const KPIS = ['cloud-cost', 'incidents'] as const;

const sorted = (rows: { kpi: string; period: string; total: number }[]) =>
  rows
    .map(r => `${r.kpi} ${r.period} ${r.total}`)
    .sort((a, b) => a.localeCompare(b));

/** The per-owner totals must equal the sums over each owner's entities' samples, for every owner alone and together. */
async function expectTotalsMatchSamples(store: ManageStore) {
  for (const owners of [[squad1], [squad2], [squad1, squad2]]) {
    const refs = await store.ownedRefs(owners, { all: true });
    expect(
      sorted(await store.ownerKpiTotals(owners, PERIODS[0], PERIODS[2])),
    ).toEqual(sorted(await store.kpiTotals(refs, PERIODS[0], PERIODS[2])));
    for (const period of PERIODS) {
      expect(
        Object.fromEntries(
          await store.ownerTotals(owners, 'cloud-cost', period),
        ),
      ).toEqual(
        Object.fromEntries(
          await store.totalsByOwner(refs, 'cloud-cost', period),
        ),
      );
    }
  }
}

describe.each(databases.eachSupportedId())('ManageStore on %s', id => {
  async function setup() {
    const knex = await databases.init(id);
    const store = await ManageStore.create({
      getClient: async () => knex,
    } as any);
    await store.replaceMirror([
      entity('a', squad1),
      entity('b', squad1),
      entity('c', squad2),
    ]);
    await store.upsertSamples(
      ['a', 'b', 'c', 'unmirrored'].flatMap((name, i) =>
        KPIS.flatMap(kpi =>
          PERIODS.map((period, p) => ({
            entityRef: `component:default/${name}`,
            kpi,
            period,
            value: (i + 1) * 10 + p,
          })),
        ),
      ),
      'test',
    );
    return { knex, store };
  }

  it('keeps the per-owner monthly totals equal to the samples after ingest and re-push', async () => {
    const { store } = await setup();
    expect(await store.ownerTotals([squad1], 'cloud-cost', '2026-02')).toEqual(
      new Map([[squad1, 11 + 21]]),
    );
    await expectTotalsMatchSamples(store);
    await store.upsertSamples(
      [
        {
          entityRef: 'component:default/a',
          kpi: 'cloud-cost',
          period: '2026-02',
          value: 1000,
        },
      ],
      'test',
    );
    expect(await store.ownerTotals([squad1], 'cloud-cost', '2026-02')).toEqual(
      new Map([[squad1, 1000 + 21]]),
    );
    await expectTotalsMatchSamples(store);
  });

  it('moves an entity’s samples between owners when the mirror changes its owner, adds or drops it', async () => {
    const { store } = await setup();
    await store.replaceMirror([
      entity('a', squad2),
      entity('c', squad2),
      entity('unmirrored', squad1),
    ]);
    expect(await store.ownerTotals([squad2], 'cloud-cost', '2026-01')).toEqual(
      new Map([[squad2, 10 + 30]]),
    );
    await expectTotalsMatchSamples(store);
    await store.replaceMirror([]);
    expect(
      await store.ownerKpiTotals([squad1, squad2], PERIODS[0], PERIODS[2]),
    ).toEqual([]);
  });

  it('leaves the totals as they were when a batch fails part-way', async () => {
    const { store } = await setup();
    const before = sorted(
      await store.ownerKpiTotals([squad1], PERIODS[0], PERIODS[2]),
    );
    // The first chunk of 500 rows is written, then the last sample's value (an object: SQLite cannot bind it,
    // PostgreSQL cannot read it as a number) fails the transaction.
    const batch = Array.from({ length: 600 }, (_, i) => ({
      entityRef: i % 2 ? 'component:default/a' : 'component:default/b',
      kpi: `kpi-${Math.floor(i / 2)}` as any,
      period: '2026-01',
      value: i === 599 ? ({} as any) : 1,
    }));
    await expect(store.upsertSamples(batch, 'test')).rejects.toThrow();
    expect(
      sorted(await store.ownerKpiTotals([squad1], PERIODS[0], PERIODS[2])),
    ).toEqual(before);
    await expectTotalsMatchSamples(store);
  });
});
