import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  BurnupPoint,
  EntityMigrationItem,
  FactValue,
  MigrationDefinition,
  MigrationEntity,
} from '@internal/plugin-tech-migrations-common';
import { Knex } from 'knex';
import { EntityStatusRow, PushedFacts } from '../services/evaluate';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-tech-migrations-backend',
  'migrations',
);

/** Rows per INSERT: well under the bind-parameter limits of SQLite and PostgreSQL. */
const CHUNK = 500;

/**
 * Key of the PostgreSQL advisory lock that serialises this plugin's writes across replicas (the two-int form:
 * 'tm' and 1, apart from other users of advisory locks when plugins share one database in schema mode).
 */
const WRITE_LOCK: [number, number] = [0x746d, 1];

export type StoredMigration = MigrationDefinition & {
  file: string;
  evaluatedAt?: string;
};

export interface CountsRow {
  done: number;
  remaining: number;
  exempt: number;
  pct: number;
}

export interface OwnerCountsRow extends CountsRow {
  ownerRef: string;
}

export interface FactEntry {
  entityRef: string;
  facts: Record<string, FactValue>;
}

/* Counting columns shared by every aggregate; percent = done / (done + remaining), 100 when nothing is left. */
const COUNTS_SQL = `
  CAST(SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END) AS INTEGER) AS done,
  CAST(SUM(CASE WHEN status = 'remaining' THEN 1 ELSE 0 END) AS INTEGER) AS remaining,
  CAST(SUM(CASE WHEN status = 'exempt' THEN 1 ELSE 0 END) AS INTEGER) AS exempt,
  CAST(CASE WHEN SUM(CASE WHEN status <> 'exempt' THEN 1 ELSE 0 END) = 0 THEN 100
    ELSE 100.0 * SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END)
      / SUM(CASE WHEN status <> 'exempt' THEN 1 ELSE 0 END) END AS DOUBLE PRECISION) AS pct`;

const num = (v: unknown) => Number(v ?? 0);
function toCounts<T extends Record<string, unknown>>(row: T) {
  return {
    ...row,
    done: num(row.done),
    remaining: num(row.remaining),
    exempt: num(row.exempt),
    pct: num(row.pct),
  };
}

/**
 * Persistence of the tech-migrations plugin (Knex; same SQL on SQLite and PostgreSQL). Rows carry the entity's
 * owner; which owners a team's figures roll up comes from the org model (`OrgModel.treeOf`), not from here.
 */
export class MigrationStore {
  static async create(database: DatabaseService): Promise<MigrationStore> {
    const knex = await database.getClient();
    if (!database.migrations?.skip) {
      await knex.migrate.latest({ directory: migrationsDir });
    }
    return new MigrationStore(knex);
  }

  constructor(readonly knex: Knex) {}

  /**
   * Runs `fn` in one transaction holding the plugin's write lock until it ends. Replicas evaluate on their own
   * (POST /evaluate, POST /facts, the schedule); without the lock two passes interleave their delete-then-insert
   * and one fails on a duplicate key or leaves rows of the other. On PostgreSQL the lock is a transaction-scoped
   * advisory lock (released on commit, rollback or a dropped connection); SQLite serialises writers itself (one
   * process, one connection).
   */
  async exclusively<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.knex.transaction(async trx => {
      if (this.knex.client.dialect === 'postgresql') {
        await trx.raw('SELECT pg_advisory_xact_lock(?, ?)', WRITE_LOCK);
      }
      return fn(trx);
    });
  }

  /**
   * Stores a full evaluation pass in the caller's transaction (`exclusively`): the valid definitions (others
   * removed with their rows), every entity status, and today's snapshot.
   */
  async replaceAll(options: {
    migrations: Array<MigrationDefinition & { file: string }>;
    rows: EntityStatusRow[];
    evaluatedAt: string;
    day: string;
    trx: Knex.Transaction;
  }): Promise<void> {
    const { migrations, rows, evaluatedAt, day, trx } = options;
    const ids = migrations.map(m => m.id);
    // Migrations whose definition is gone or invalid stop being shown. Their snapshots stay, so a definition
    // that is fixed (or restored) continues its burn-up instead of starting over.
    await trx('tm_entity_status').whereNotIn('migration_id', ids).delete();
    await trx('tm_migrations').whereNotIn('id', ids).delete();
    for (const m of migrations) {
      const { file, ...definition } = m;
      await trx('tm_migrations')
        .insert({
          id: m.id,
          title: m.title,
          file,
          start_date: m.startDate,
          target_date: m.targetDate,
          definition: JSON.stringify(definition),
          evaluated_at: evaluatedAt,
        })
        .onConflict('id')
        .merge();
    }
    await trx('tm_entity_status').whereIn('migration_id', ids).delete();
    await this.insertRows(trx, rows);
    await this.writeSnapshot(trx, day, ids);
  }

  /**
   * Replaces the rows of some entities (after facts arrived, at most 1000: one `IN` list) and refreshes today's
   * snapshot, in the caller's transaction (`exclusively`).
   */
  async replaceEntities(options: {
    entityRefs: string[];
    rows: EntityStatusRow[];
    evaluatedAt: string;
    day: string;
    trx: Knex.Transaction;
  }): Promise<void> {
    const { trx } = options;
    const ids = (await trx('tm_migrations').select('id')).map(r => r.id);
    await trx('tm_entity_status')
      .whereIn('entity_ref', options.entityRefs)
      .delete();
    await this.insertRows(trx, options.rows);
    await trx('tm_migrations').update({ evaluated_at: options.evaluatedAt });
    await this.writeSnapshot(trx, options.day, ids);
  }

  private async insertRows(trx: Knex.Transaction, rows: EntityStatusRow[]) {
    await trx.batchInsert(
      'tm_entity_status',
      rows.map(r => ({
        migration_id: r.migrationId,
        entity_ref: r.entityRef,
        owner_ref: r.ownerRef,
        tribe_ref: r.tribeRef,
        status: r.status,
        detail: r.detail ?? null,
      })),
      CHUNK,
    );
  }

  /** Today's row per migration and team, computed by GROUP BY from the entity status table. */
  private async writeSnapshot(
    trx: Knex.Transaction,
    day: string,
    ids: string[],
  ) {
    if (ids.length === 0) return;
    await trx('tm_snapshots')
      .where('day', day)
      .whereIn('migration_id', ids)
      .delete();
    await trx.raw(
      `INSERT INTO tm_snapshots (migration_id, day, team_ref, tribe_ref, done, remaining, exempt)
       SELECT migration_id, ?, owner_ref, MAX(tribe_ref),
         SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END),
         SUM(CASE WHEN status = 'remaining' THEN 1 ELSE 0 END),
         SUM(CASE WHEN status = 'exempt' THEN 1 ELSE 0 END)
       FROM tm_entity_status
       WHERE migration_id IN (${ids.map(() => '?').join(', ')})
       GROUP BY migration_id, owner_ref`,
      [day, ...ids],
    );
  }

  /** Stores pushed facts; a null value removes the fact. Runs inside the caller's transaction. */
  async putFacts(
    trx: Knex.Transaction,
    entries: FactEntry[],
    updatedBy: string,
    now: string,
  ): Promise<number> {
    const upserts: Array<Record<string, string>> = [];
    let stored = 0;
    for (const { entityRef, facts } of entries) {
      for (const [name, value] of Object.entries(facts)) {
        stored++;
        if (value === null || value === undefined) {
          await trx('tm_facts').where({ entity_ref: entityRef, name }).delete();
        } else {
          upserts.push({
            entity_ref: entityRef,
            name,
            value: JSON.stringify(value),
            updated_at: now,
            updated_by: updatedBy,
          });
        }
      }
    }
    // In chunks: batchInsert cannot merge on conflict.
    for (let i = 0; i < upserts.length; i += CHUNK) {
      await trx('tm_facts')
        .insert(upserts.slice(i, i + CHUNK))
        .onConflict(['entity_ref', 'name'])
        .merge();
    }
    return stored;
  }

  /** Pushed facts by entity: all, or those of some entities (a push's, at most 1000: one `IN` list). */
  async getFacts(
    entityRefs?: string[],
    db: Knex = this.knex,
  ): Promise<Map<string, PushedFacts>> {
    const query = db('tm_facts');
    if (entityRefs) query.whereIn('entity_ref', entityRefs);
    const rows: Array<{ entity_ref: string; name: string; value: string }> =
      await query;
    const out = new Map<string, PushedFacts>();
    for (const row of rows) {
      const facts = out.get(row.entity_ref) ?? {};
      facts[row.name] = JSON.parse(row.value);
      out.set(row.entity_ref, facts);
    }
    return out;
  }

  async listMigrations(db: Knex = this.knex): Promise<StoredMigration[]> {
    const rows = await db('tm_migrations').orderBy('target_date').orderBy('id');
    return rows.map(r => ({
      ...JSON.parse(r.definition),
      file: r.file,
      evaluatedAt: r.evaluated_at ?? undefined,
    }));
  }

  async getMigration(id: string): Promise<StoredMigration | undefined> {
    return (await this.listMigrations()).find(m => m.id === id);
  }

  /** Counts and percent per migration (GROUP BY migration). */
  async countsByMigration(): Promise<Map<string, CountsRow>> {
    const rows = await this.knex('tm_entity_status')
      .select('migration_id', this.knex.raw(COUNTS_SQL))
      .groupBy('migration_id');
    return new Map(rows.map((r: any) => [r.migration_id, toCounts(r)]));
  }

  /** Counts per owner of one migration (GROUP BY owner): what the leaderboard rolls up into tribes and squads. */
  async countsByOwner(migrationId: string): Promise<OwnerCountsRow[]> {
    const rows = await this.knex('tm_entity_status')
      .select({ ownerRef: 'owner_ref' }, this.knex.raw(COUNTS_SQL))
      .where('migration_id', migrationId)
      .groupBy('owner_ref');
    return rows.map(toCounts);
  }

  /** Daily totals of a migration, optionally of some owners only (a team's tree). */
  async burnup(
    migrationId: string,
    ownerRefs?: string[],
  ): Promise<BurnupPoint[]> {
    const q = this.knex('tm_snapshots')
      .select('day')
      .sum({ done: 'done', remaining: 'remaining', exempt: 'exempt' })
      .where('migration_id', migrationId)
      .groupBy('day')
      .orderBy('day');
    if (ownerRefs) q.whereIn('team_ref', ownerRefs);
    const rows = await q;
    return rows.map((r: any) => {
      const done = num(r.done);
      const remaining = num(r.remaining);
      const exempt = num(r.exempt);
      return {
        day: r.day,
        done,
        remaining,
        exempt,
        total: done + remaining + exempt,
      };
    });
  }

  /** Daily totals of every migration since a day (for the trend on the index page). */
  async dailyTotals(
    since: string,
  ): Promise<
    Array<{ migrationId: string; day: string; done: number; remaining: number }>
  > {
    const rows = await this.knex('tm_snapshots')
      .select('migration_id', 'day')
      .sum({ done: 'done', remaining: 'remaining' })
      .where('day', '>=', since)
      .groupBy('migration_id', 'day')
      .orderBy('day');
    return rows.map((r: any) => ({
      migrationId: r.migration_id,
      day: r.day,
      done: num(r.done),
      remaining: num(r.remaining),
    }));
  }

  async entities(
    migrationId: string,
    status?: string,
    limit = 1000,
  ): Promise<MigrationEntity[]> {
    const q = this.knex('tm_entity_status')
      .where('migration_id', migrationId)
      .orderBy('owner_ref')
      .orderBy('entity_ref')
      .limit(limit);
    if (status) q.andWhere('status', status);
    return (await q).map(rowToEntity);
  }

  /** The remaining entities of every migration by owner, for the owners' notifications. */
  async remainingByOwner(): Promise<Map<string, Map<string, string[]>>> {
    const rows: Array<{
      migration_id: string;
      owner_ref: string;
      entity_ref: string;
    }> = await this.knex('tm_entity_status')
      .select('migration_id', 'owner_ref', 'entity_ref')
      .where('status', 'remaining')
      .orderBy(['migration_id', 'owner_ref', 'entity_ref']);
    const out = new Map<string, Map<string, string[]>>();
    for (const r of rows) {
      const owners = out.get(r.migration_id) ?? new Map<string, string[]>();
      const refs = owners.get(r.owner_ref);
      if (refs) refs.push(r.entity_ref);
      else owners.set(r.owner_ref, [r.entity_ref]);
      out.set(r.migration_id, owners);
    }
    return out;
  }

  async entityItems(entityRef: string): Promise<EntityMigrationItem[]> {
    const rows = await this.knex('tm_entity_status as s')
      .join('tm_migrations as m', 'm.id', 's.migration_id')
      .where('s.entity_ref', entityRef)
      .select('s.*', 'm.title', 'm.target_date')
      .orderBy('m.target_date');
    return rows.map(r => ({
      ...rowToEntity(r),
      migrationTitle: r.title,
      targetDate: r.target_date,
    }));
  }

  /** Open (remaining) items of some owners (a team's tree). */
  async teamItems(ownerRefs: string[]): Promise<EntityMigrationItem[]> {
    const rows = await this.knex('tm_entity_status as s')
      .join('tm_migrations as m', 'm.id', 's.migration_id')
      .where('s.status', 'remaining')
      .whereIn('s.owner_ref', ownerRefs)
      .select('s.*', 'm.title', 'm.target_date')
      .orderBy('m.target_date')
      .orderBy('s.entity_ref');
    return rows.map(r => ({
      ...rowToEntity(r),
      migrationTitle: r.title,
      targetDate: r.target_date,
    }));
  }
}

function rowToEntity(r: any): MigrationEntity {
  return {
    migrationId: r.migration_id,
    entityRef: r.entity_ref,
    ownerRef: r.owner_ref,
    tribeRef: r.tribe_ref,
    status: r.status,
    detail: r.detail ?? undefined,
  };
}
