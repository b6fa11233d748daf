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
import { EntityStatusRow, PushedFacts, Team } from '../service/evaluate';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-tech-migrations-backend',
  'migrations',
);

const CHUNK = 500;
function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

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

export interface TeamCountsRow extends CountsRow {
  tribeRef: string;
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

/** Persistence of the tech-migrations plugin (Knex; same SQL on SQLite and PostgreSQL). */
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
   * Stores a full evaluation pass in one transaction: the valid definitions (others removed with their rows), the
   * teams, every entity status, and today's snapshot.
   */
  async replaceAll(options: {
    migrations: Array<MigrationDefinition & { file: string }>;
    teams: Team[];
    rows: EntityStatusRow[];
    evaluatedAt: string;
    day: string;
  }): Promise<void> {
    const { migrations, teams, rows, evaluatedAt, day } = options;
    const ids = migrations.map(m => m.id);
    await this.knex.transaction(async trx => {
      await trx('tm_teams').delete();
      for (const chunk of chunks(teams)) {
        await trx('tm_teams').insert(
          chunk.map(t => ({
            team_ref: t.teamRef,
            title: t.title,
            parent_ref: t.parentRef ?? null,
            type: t.type ?? null,
          })),
        );
      }
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
    });
  }

  /** Replaces the rows of some entities (after facts arrived) and refreshes today's snapshot, in one transaction. */
  async replaceEntities(options: {
    entityRefs: string[];
    rows: EntityStatusRow[];
    evaluatedAt: string;
    day: string;
    trx?: Knex.Transaction;
  }): Promise<void> {
    const run = async (trx: Knex.Transaction) => {
      const ids = (await trx('tm_migrations').select('id')).map(r => r.id);
      for (const chunk of chunks(options.entityRefs)) {
        await trx('tm_entity_status').whereIn('entity_ref', chunk).delete();
      }
      await this.insertRows(trx, options.rows);
      await trx('tm_migrations').update({ evaluated_at: options.evaluatedAt });
      await this.writeSnapshot(trx, options.day, ids);
    };
    if (options.trx) await run(options.trx);
    else await this.knex.transaction(run);
  }

  private async insertRows(trx: Knex.Transaction, rows: EntityStatusRow[]) {
    for (const chunk of chunks(rows)) {
      await trx('tm_entity_status').insert(
        chunk.map(r => ({
          migration_id: r.migrationId,
          entity_ref: r.entityRef,
          owner_ref: r.ownerRef,
          tribe_ref: r.tribeRef,
          status: r.status,
          detail: r.detail ?? null,
        })),
      );
    }
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
    for (const chunk of chunks(upserts)) {
      await trx('tm_facts')
        .insert(chunk)
        .onConflict(['entity_ref', 'name'])
        .merge();
    }
    return stored;
  }

  /** Pushed facts by entity (all, or those of some entities). */
  async getFacts(
    entityRefs?: string[],
    db: Knex = this.knex,
  ): Promise<Map<string, PushedFacts>> {
    const rows: Array<{ entity_ref: string; name: string; value: string }> = [];
    if (entityRefs) {
      for (const chunk of chunks(entityRefs)) {
        rows.push(...(await db('tm_facts').whereIn('entity_ref', chunk)));
      }
    } else {
      rows.push(...(await db('tm_facts')));
    }
    const out = new Map<string, PushedFacts>();
    for (const row of rows) {
      const facts = out.get(row.entity_ref) ?? {};
      facts[row.name] = JSON.parse(row.value);
      out.set(row.entity_ref, facts);
    }
    return out;
  }

  async listMigrations(): Promise<StoredMigration[]> {
    const rows = await this.knex('tm_migrations')
      .orderBy('target_date')
      .orderBy('id');
    return rows.map(r => ({
      ...JSON.parse(r.definition),
      file: r.file,
      evaluatedAt: r.evaluated_at ?? undefined,
    }));
  }

  async getMigration(id: string): Promise<StoredMigration | undefined> {
    return (await this.listMigrations()).find(m => m.id === id);
  }

  async listTeams(): Promise<Team[]> {
    const rows = await this.knex('tm_teams');
    return rows.map(r => ({
      teamRef: r.team_ref,
      title: r.title,
      parentRef: r.parent_ref ?? undefined,
      type: r.type ?? undefined,
    }));
  }

  /** Counts and percent per migration (GROUP BY migration). */
  async countsByMigration(): Promise<Map<string, CountsRow>> {
    const rows = await this.knex('tm_entity_status')
      .select('migration_id', this.knex.raw(COUNTS_SQL))
      .groupBy('migration_id');
    return new Map(rows.map((r: any) => [r.migration_id, toCounts(r)]));
  }

  /** Leaderboard rows per squad and per tribe, ordered by percent done (ties: fewer remaining, then name). */
  async leaderboard(migrationId: string): Promise<{
    tribes: Array<CountsRow & { tribeRef: string }>;
    squads: TeamCountsRow[];
  }> {
    const order = (q: Knex.QueryBuilder, key: string) =>
      q.orderBy([
        { column: 'pct', order: 'desc' },
        { column: 'remaining', order: 'asc' },
        { column: key, order: 'asc' },
      ]);
    const tribes = await order(
      this.knex('tm_entity_status')
        .select({ tribeRef: 'tribe_ref' }, this.knex.raw(COUNTS_SQL))
        .where('migration_id', migrationId)
        .groupBy('tribe_ref'),
      'tribe_ref',
    );
    const squads = await order(
      this.knex('tm_entity_status')
        .select(
          { tribeRef: 'tribe_ref', ownerRef: 'owner_ref' },
          this.knex.raw(COUNTS_SQL),
        )
        .where('migration_id', migrationId)
        .groupBy('tribe_ref', 'owner_ref'),
      'owner_ref',
    );
    return { tribes: tribes.map(toCounts), squads: squads.map(toCounts) };
  }

  /** Daily totals of a migration, optionally for one team (a squad, or a tribe with its squads). */
  async burnup(migrationId: string, teamRef?: string): Promise<BurnupPoint[]> {
    const q = this.knex('tm_snapshots')
      .select('day')
      .sum({ done: 'done', remaining: 'remaining', exempt: 'exempt' })
      .where('migration_id', migrationId)
      .groupBy('day')
      .orderBy('day');
    if (teamRef) {
      q.andWhere(b =>
        b.where('team_ref', teamRef).orWhere('tribe_ref', teamRef),
      );
    }
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

  /** Open (remaining) items of a team: a squad's own, or a tribe's with its squads'. */
  async teamItems(groupRef: string): Promise<EntityMigrationItem[]> {
    const rows = await this.knex('tm_entity_status as s')
      .join('tm_migrations as m', 'm.id', 's.migration_id')
      .where('s.status', 'remaining')
      .andWhere(b =>
        b.where('s.owner_ref', groupRef).orWhere('s.tribe_ref', groupRef),
      )
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
