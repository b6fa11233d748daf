import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { KpiName, KpiSample } from '@internal/plugin-manage-common';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-manage-backend',
  'migrations',
);

/** Rows per INSERT and refs per lookup: well under the bind-parameter limits of SQLite and PostgreSQL. */
const CHUNK = 500;

/** Refs per aggregate query: within SQLite's (32766) and PostgreSQL's (65535) bind-parameter limits. */
const AGGREGATE_CHUNK = 10_000;

export interface MirroredEntity {
  entityRef: string;
  kind: string;
  type?: string;
  lifecycle?: string;
  title?: string;
  ownerRef: string;
}

/** Which owned entities a query may see: all of them, or only the listed refs (the caller's readable ones). */
export type Visibility = { all: true } | { refs: string[] };

export interface KpiTotalRow {
  kpi: KpiName;
  period: string;
  total: number;
}

/** How a KPI source last did, as stored. */
export interface KpiSourceRow {
  sourceId: string;
  lastSuccessAt?: Date;
  lastErrorAt?: Date;
  lastError?: string;
  sampleCount: number;
  kpis: string[];
}

/**
 * Persistence of the manage plugin: the mirror of owned entities and the KPI samples. The org itself (groups,
 * parents, titles) is not stored here: it comes from the org model (the org-model-node package).
 */
export class ManageStore {
  static async create(database: DatabaseService): Promise<ManageStore> {
    const knex = await database.getClient();
    if (!database.migrations?.skip) {
      await knex.migrate.latest({ directory: migrationsDir });
    }
    return new ManageStore(knex);
  }

  constructor(private readonly knex: Knex) {}

  /** Replaces the mirror in one transaction: readers see the old or the new catalog, never half of it. */
  async replaceMirror(entities: MirroredEntity[]): Promise<void> {
    await this.knex.transaction(async trx => {
      const before = new Map<string, string>(
        (await trx('manage_entities').select('entity_ref', 'owner_ref')).map(
          r => [r.entity_ref, r.owner_ref],
        ),
      );
      // The owners whose set of entities changes: their per-month totals are derived again below.
      const changed = new Set<string>();
      for (const e of entities) {
        const old = before.get(e.entityRef);
        if (old !== e.ownerRef) {
          changed.add(e.ownerRef);
          if (old !== undefined) changed.add(old);
        }
        before.delete(e.entityRef);
      }
      before.forEach(owner => changed.add(owner));
      await trx('manage_entities').delete();
      await trx.batchInsert(
        'manage_entities',
        entities.map(e => ({
          entity_ref: e.entityRef,
          kind: e.kind,
          type: e.type ?? null,
          lifecycle: e.lifecycle ?? null,
          title: e.title ?? null,
          owner_ref: e.ownerRef,
        })),
        CHUNK,
      );
      await this.rederiveOwnerTotals(trx, [...changed]);
    });
  }

  /**
   * Derives the owners' per-month KPI totals again from the samples and the mirror (within the caller's
   * transaction), for all months or only the given ones.
   */
  private async rederiveOwnerTotals(
    trx: Knex.Transaction,
    owners: string[],
    periods?: string[],
  ): Promise<void> {
    for (let i = 0; i < owners.length; i += CHUNK) {
      const chunk = owners.slice(i, i + CHUNK);
      const remove = trx('manage_kpi_owner_totals').whereIn('owner_ref', chunk);
      const sums = trx('manage_kpi_samples as s')
        .join('manage_entities as e', 'e.entity_ref', 's.entity_ref')
        .whereIn('e.owner_ref', chunk)
        .select('e.owner_ref', 's.kpi', 's.period')
        .sum({ total: 's.value' })
        .groupBy('e.owner_ref', 's.kpi', 's.period');
      if (periods) {
        remove.whereIn('period', periods);
        sums.whereIn('s.period', periods);
      }
      await remove.delete();
      await trx
        .insert(sums)
        .into(
          trx.raw('?? (??, ??, ??, ??)', [
            'manage_kpi_owner_totals',
            'owner_ref',
            'kpi',
            'period',
            'total',
          ]),
        );
    }
  }

  /**
   * Upserts samples by (entity, KPI, month), all or nothing (in chunks: batchInsert cannot merge on conflict), and
   * records the source's success in the same transaction: a source's status never claims samples that were not stored.
   */
  async upsertSamples(
    samples: KpiSample[],
    source: string,
    now: Date = new Date(),
  ): Promise<void> {
    await this.knex.transaction(async trx => {
      await this.recordSuccess(
        trx,
        source,
        samples.map(s => s.kpi),
        samples.length,
        now,
      );
      for (let i = 0; i < samples.length; i += CHUNK) {
        await trx('manage_kpi_samples')
          .insert(
            samples.slice(i, i + CHUNK).map(s => ({
              entity_ref: s.entityRef,
              kpi: s.kpi,
              period: s.period,
              value: s.value,
              source,
              updated_at: now,
            })),
          )
          .onConflict(['entity_ref', 'kpi', 'period'])
          .merge(['value', 'source', 'updated_at']);
      }
      // The owners' totals move with their samples, in the same transaction: a rolled-back batch leaves both as they were.
      const owners = new Set<string>();
      const refs = [...new Set(samples.map(s => s.entityRef))];
      for (let i = 0; i < refs.length; i += CHUNK) {
        const rows = await trx('manage_entities')
          .whereIn('entity_ref', refs.slice(i, i + CHUNK))
          .distinct('owner_ref');
        rows.forEach(r => owners.add(r.owner_ref));
      }
      await this.rederiveOwnerTotals(
        trx,
        [...owners],
        [...new Set(samples.map(s => s.period))],
      );
    });
  }

  /** A run or push that stored nothing (a provider with nothing to report) still counts as a success. */
  async recordEmptySuccess(source: string, now: Date = new Date()) {
    await this.recordSuccess(this.knex, source, [], 0, now);
  }

  /** The source's last error; its last success, sample count and samples stay as they were. */
  async recordFailure(
    source: string,
    message: string,
    now: Date = new Date(),
  ): Promise<void> {
    await this.knex('manage_kpi_sources')
      .insert({ source_id: source, last_error_at: now, last_error: message })
      .onConflict('source_id')
      .merge(['last_error_at', 'last_error']);
  }

  /** Every source's status row (one per source: a handful, read whole). */
  async listSources(): Promise<KpiSourceRow[]> {
    const rows = await this.knex('manage_kpi_sources').select('*');
    const date = (v: unknown) =>
      v === null || v === undefined ? undefined : new Date(v as string);
    return rows.map(r => ({
      sourceId: r.source_id,
      lastSuccessAt: date(r.last_success_at),
      lastErrorAt: date(r.last_error_at),
      lastError: r.last_error ?? undefined,
      sampleCount: Number(r.sample_count),
      kpis: JSON.parse(r.kpis),
    }));
  }

  /** The KPIs a source stored are remembered across runs (a push may carry only some of them). */
  private async recordSuccess(
    db: Knex | Knex.Transaction,
    source: string,
    kpis: string[],
    sampleCount: number,
    now: Date,
  ) {
    const existing = await db('manage_kpi_sources')
      .where('source_id', source)
      .first('kpis');
    const known = new Set<string>([
      ...(existing ? (JSON.parse(existing.kpis) as string[]) : []),
      ...kpis,
    ]);
    await db('manage_kpi_sources')
      .insert({
        source_id: source,
        last_success_at: now,
        sample_count: sampleCount,
        kpis: JSON.stringify([...known].sort()),
      })
      .onConflict('source_id')
      .merge(['last_success_at', 'sample_count', 'kpis']);
  }

  async countOwnedByKind(
    owners: string[],
    visibility: Visibility,
  ): Promise<{ kind: string; type?: string; count: number }[]> {
    const rows: {
      kind: string;
      type: string | null;
      count: string | number;
    }[] = (await this.owned(owners, visibility)
      .select('e.kind', 'e.type')
      .count({ count: '*' })
      .groupBy('e.kind', 'e.type')
      .orderBy(['e.kind', 'e.type'])) as any;
    return rows.map(r => ({
      kind: r.kind,
      type: r.type ?? undefined,
      count: Number(r.count),
    }));
  }

  async listOwned(
    owners: string[],
    visibility: Visibility,
    limit: number,
  ): Promise<MirroredEntity[]> {
    const rows = await this.owned(owners, visibility)
      .select('e.*')
      .orderBy(['e.kind', 'e.type', 'e.entity_ref'])
      .limit(limit);
    return rows.map(r => ({
      entityRef: r.entity_ref,
      kind: r.kind,
      type: r.type ?? undefined,
      lifecycle: r.lifecycle ?? undefined,
      title: r.title ?? undefined,
      ownerRef: r.owner_ref,
    }));
  }

  /** The refs of everything the owners own that the caller may see. */
  async ownedRefs(owners: string[], visibility: Visibility): Promise<string[]> {
    const rows = await this.owned(owners, visibility).select('e.entity_ref');
    return rows.map(r => r.entity_ref);
  }

  /** The newest month with any sample at all (an index lookup): the end of every trend window. */
  async latestPeriod(): Promise<string | undefined> {
    const row = await this.knex('manage_kpi_samples')
      .max({ latest: 'period' })
      .first();
    return row?.latest ?? undefined;
  }

  /**
   * KPI totals per month over the entities, summed in the database. The refs are passed explicitly (rather than
   * joined from manage_entities) so PostgreSQL walks the samples' primary key instead of scanning the table;
   * very large sets are summed in chunks, which is exact because every KPI is a sum.
   */
  async kpiTotals(
    entityRefs: string[],
    fromPeriod: string,
    toPeriod: string,
  ): Promise<KpiTotalRow[]> {
    const totals = new Map<string, KpiTotalRow>();
    for (let i = 0; i < entityRefs.length; i += AGGREGATE_CHUNK) {
      const refs = entityRefs.slice(i, i + AGGREGATE_CHUNK);
      const rows: { kpi: KpiName; period: string; total: string | number }[] =
        (await this.knex('manage_kpi_samples')
          .whereIn('entity_ref', refs)
          .whereBetween('period', [fromPeriod, toPeriod])
          .select('kpi', 'period')
          .sum({ total: 'value' })
          .groupBy('kpi', 'period')) as any;
      for (const r of rows) {
        const key = `${r.kpi} ${r.period}`;
        const row = totals.get(key) ?? {
          kpi: r.kpi,
          period: r.period,
          total: 0,
        };
        row.total += Number(r.total);
        totals.set(key, row);
      }
    }
    return [...totals.values()];
  }

  /**
   * The same totals as {@link ManageStore.kpiTotals} over every entity the owners own, read from the per-owner
   * monthly totals: only for a caller who may see all of those entities.
   */
  async ownerKpiTotals(
    owners: string[],
    fromPeriod: string,
    toPeriod: string,
  ): Promise<KpiTotalRow[]> {
    const rows: { kpi: KpiName; period: string; total: string | number }[] =
      (await this.knex('manage_kpi_owner_totals')
        .whereIn('owner_ref', owners)
        .whereBetween('period', [fromPeriod, toPeriod])
        .select('kpi', 'period')
        .sum({ total: 'total' })
        .groupBy('kpi', 'period')) as any;
    return rows.map(r => ({
      kpi: r.kpi,
      period: r.period,
      total: Number(r.total),
    }));
  }

  /** {@link ManageStore.totalsByOwner} over every entity the owners own, from the per-owner monthly totals. */
  async ownerTotals(
    owners: string[],
    kpi: KpiName,
    period: string,
  ): Promise<Map<string, number>> {
    const rows = await this.knex('manage_kpi_owner_totals')
      .whereIn('owner_ref', owners)
      .where({ kpi, period })
      .select('owner_ref', 'total');
    return new Map(rows.map(r => [r.owner_ref, Number(r.total)]));
  }

  /** One KPI's total in one month per owning group, for the entities. */
  async totalsByOwner(
    entityRefs: string[],
    kpi: KpiName,
    period: string,
  ): Promise<Map<string, number>> {
    const totals = new Map<string, number>();
    for (let i = 0; i < entityRefs.length; i += AGGREGATE_CHUNK) {
      const refs = entityRefs.slice(i, i + AGGREGATE_CHUNK);
      const rows: { owner_ref: string; total: string | number }[] =
        (await this.knex('manage_kpi_samples as s')
          .join('manage_entities as e', 'e.entity_ref', 's.entity_ref')
          .whereIn('s.entity_ref', refs)
          .where({ 's.kpi': kpi, 's.period': period })
          .select('e.owner_ref')
          .sum({ total: 's.value' })
          .groupBy('e.owner_ref')) as any;
      for (const r of rows) {
        totals.set(
          r.owner_ref,
          (totals.get(r.owner_ref) ?? 0) + Number(r.total),
        );
      }
    }
    return totals;
  }

  /** One month's KPI values per entity, for the listed entities. */
  async entityKpis(
    entityRefs: string[],
    period: string,
  ): Promise<{ entityRef: string; kpi: KpiName; value: number }[]> {
    const result: { entityRef: string; kpi: KpiName; value: number }[] = [];
    for (let i = 0; i < entityRefs.length; i += CHUNK) {
      const rows = await this.knex('manage_kpi_samples')
        .whereIn('entity_ref', entityRefs.slice(i, i + CHUNK))
        .andWhere('period', period)
        .select('entity_ref', 'kpi', 'value');
      for (const r of rows) {
        result.push({
          entityRef: r.entity_ref,
          kpi: r.kpi,
          value: Number(r.value),
        });
      }
    }
    return result;
  }

  /** Entities among `refs` that the mirror knows (used to warn about pushes for unknown entities). */
  async knownEntityRefs(refs: string[]): Promise<Set<string>> {
    const known = new Set<string>();
    for (let i = 0; i < refs.length; i += CHUNK) {
      const rows = await this.knex('manage_entities')
        .whereIn('entity_ref', refs.slice(i, i + CHUNK))
        .select('entity_ref');
      rows.forEach(r => known.add(r.entity_ref));
    }
    return known;
  }

  private owned(owners: string[], visibility: Visibility) {
    const query = this.knex('manage_entities as e').whereIn(
      'e.owner_ref',
      owners,
    );
    if ('refs' in visibility) {
      query.whereIn('e.entity_ref', visibility.refs);
    }
    return query;
  }
}
