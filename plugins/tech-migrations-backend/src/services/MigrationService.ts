import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  BurnupResponse,
  DefinitionError,
  describeCheck,
  EntityMigrationItem,
  EvaluationResult,
  FactsPushRequest,
  LeaderboardResponse,
  LeaderboardTeam,
  MigrationDefinition,
  MigrationEntity,
  MigrationHealth,
  MigrationSummary,
} from '@internal/plugin-tech-migrations-common';
import { OrgModel } from '@internal/plugin-org-model-common';
import { OrgModelService } from '@internal/plugin-org-model-node';
import { CountsRow, MigrationStore } from '../database/MigrationStore';
import { loadDefinitions } from './definitions';
import {
  entityRefOf,
  EntityStatusRow,
  evaluateEntity,
  PushedFacts,
  scopeKinds,
} from './evaluate';

/** Where entities come from: the catalog in the plugin, an in-memory list in tests. */
export interface EntitySource {
  /** Every entity of these kinds (lower-case). */
  listEntities(kinds: string[]): Promise<Entity[]>;
}

/** Sums counts and derives the percent done: done / (done + remaining), 100 when nothing is left. */
function addCounts(a: CountsRow, b: CountsRow): CountsRow {
  const done = a.done + b.done;
  const remaining = a.remaining + b.remaining;
  return {
    done,
    remaining,
    exempt: a.exempt + b.exempt,
    pct: done + remaining === 0 ? 100 : (100 * done) / (done + remaining),
  };
}

const NO_COUNTS: CountsRow = { done: 0, remaining: 0, exempt: 0, pct: 100 };

/** Leaderboard order: percent done, then fewer remaining, then ref. */
function byRank(
  [refA, a]: [string, CountsRow],
  [refB, b]: [string, CountsRow],
): number {
  return b.pct - a.pct || a.remaining - b.remaining || refA.localeCompare(refB);
}

const DAY_MS = 24 * 60 * 60 * 1000;
export const dayOf = (d: Date) => d.toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) =>
  Math.round(
    (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS,
  );
const addDays = (day: string, days: number) =>
  dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));

/** How far back the trend looks for its baseline. */
const TREND_WINDOW_DAYS = 28;

/**
 * on track / at risk / overdue. The trend is the done-rate between a baseline and the latest snapshot: the oldest
 * snapshot of the last 28 days, or, with a single day of history, the start date with nothing done. At that rate
 * the remaining entities are projected to finish on `projectedDate`; later than the target is at risk.
 */
export function healthOf(options: {
  today: string;
  startDate: string;
  targetDate: string;
  remaining: number;
  history: Array<{ day: string; done: number }>;
}): { health: MigrationHealth; projectedDate?: string } {
  const { today, startDate, targetDate, remaining, history } = options;
  if (remaining === 0) return { health: 'done' };
  if (today > targetDate) return { health: 'overdue' };
  const latest = history[history.length - 1];
  if (!latest) return { health: 'atRisk' };
  let base = history.find(
    p => daysBetween(p.day, latest.day) <= TREND_WINDOW_DAYS,
  )!;
  if (base.day === latest.day) base = { day: startDate, done: 0 };
  const days = daysBetween(base.day, latest.day);
  if (days <= 0) return { health: 'onTrack' }; // started today: too early to tell
  const rate = (latest.done - base.done) / days;
  if (rate <= 0) return { health: 'atRisk' };
  const projectedDate = addDays(latest.day, Math.ceil(remaining / rate));
  return {
    health: projectedDate <= targetDate ? 'onTrack' : 'atRisk',
    projectedDate,
  };
}

/** Evaluation passes, fact intake and the read models behind the HTTP API. */
export class MigrationService {
  private lastErrors: DefinitionError[] = [];
  private running: Promise<EvaluationResult> | undefined;

  constructor(
    private readonly options: {
      store: MigrationStore;
      source: EntitySource;
      /** Owners' tribes and squads, team trees and titles. */
      org: OrgModelService;
      definitionsDir: string;
      logger: LoggerService;
      now?: () => Date;
    },
  ) {}

  private now() {
    return this.options.now?.() ?? new Date();
  }

  get definitionErrors(): DefinitionError[] {
    return this.lastErrors;
  }

  /**
   * A full pass: definitions from disk, every in-scope entity from the source, stored in one transaction under
   * the store's write lock (safe with several replicas).
   */
  async evaluateAll(): Promise<EvaluationResult> {
    // Concurrent triggers (schedule, POST /evaluate) share one run.
    if (!this.running) {
      this.running = this.doEvaluateAll().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async doEvaluateAll(): Promise<EvaluationResult> {
    const started = Date.now();
    const { store, source, definitionsDir, logger } = this.options;
    const { definitions, errors, unreadable } = await loadDefinitions(
      definitionsDir,
    );
    this.lastErrors = errors;
    if (unreadable) {
      // A wrong path must not wipe what is stored; keep the last pass and say why.
      logger.error(`Evaluation skipped: ${errors[0]?.message}`);
      return {
        migrations: 0,
        entities: 0,
        durationMs: Date.now() - started,
        errors,
      };
    }
    for (const error of errors) {
      logger.warn(`Invalid migration definition skipped: ${error.message}`);
    }
    const kinds = [...new Set(definitions.flatMap(d => scopeKinds(d.scope)))];
    // The org is read again with the entities, so a pass and the org it rolls up agree.
    const [entities, org, templateErrors] = await Promise.all([
      kinds.length ? source.listEntities(kinds) : Promise.resolve([]),
      this.options.org.refresh(),
      this.dropUnknownFixTemplates(definitions),
    ]);
    errors.push(...templateErrors);
    const now = this.now();
    // Facts are read under the write lock: a push committed while the catalog was read is evaluated, not
    // overwritten with rows from older facts, and another replica's pass is never interleaved with this one.
    await store.exclusively(async trx => {
      const facts = await store.getFacts(undefined, trx);
      const rows = this.evaluate(definitions, entities, facts, org, dayOf(now));
      await store.replaceAll({
        migrations: definitions,
        rows,
        evaluatedAt: now.toISOString(),
        day: dayOf(now),
        trx,
      });
    });
    const result = {
      migrations: definitions.length,
      entities: entities.length,
      durationMs: Date.now() - started,
      errors,
    };
    logger.info(
      `Evaluated ${result.migrations} migrations over ${result.entities} entities in ${result.durationMs} ms`,
    );
    return result;
  }

  /**
   * A fix template the catalog does not have would send users to an empty page: such a definition is tracked
   * without its fix, and the error names the file and the ref. Other definitions keep theirs.
   */
  private async dropUnknownFixTemplates(
    definitions: Array<MigrationDefinition & { file: string }>,
  ): Promise<DefinitionError[]> {
    const wanted = definitions.filter(d => d.fixTemplate);
    if (!wanted.length) return [];
    const templates = new Set(
      (await this.options.source.listEntities(['template'])).map(entityRefOf),
    );
    const errors: DefinitionError[] = [];
    for (const definition of wanted) {
      if (templates.has(definition.fixTemplate!)) continue;
      const message = `${definition.file}: fixTemplate: ${definition.fixTemplate} is not in the catalog; the migration is tracked without a fix template`;
      this.options.logger.warn(message);
      errors.push({ file: definition.file, message });
      delete definition.fixTemplate;
    }
    return errors;
  }

  private evaluate(
    definitions: MigrationDefinition[],
    entities: Entity[],
    facts: Map<string, PushedFacts>,
    org: OrgModel,
    today: string,
  ): EntityStatusRow[] {
    const rows: EntityStatusRow[] = [];
    for (const entity of entities) {
      const entityFacts = facts.get(entityRefOf(entity));
      for (const definition of definitions) {
        const row = evaluateEntity(definition, entity, entityFacts, org, today);
        if (row) rows.push(row);
      }
    }
    return rows;
  }

  /**
   * Stores pushed facts and re-evaluates those entities against the stored migrations, all in one transaction:
   * an unknown entity or a failing write stores nothing. `lookup` returns the entities as the caller may see them.
   */
  async pushFacts(
    request: FactsPushRequest,
    updatedBy: string,
    lookup: (refs: string[]) => Promise<Array<Entity | undefined>>,
  ): Promise<{ stored: number; reevaluated: number }> {
    const { store } = this.options;
    // One entry per entity; later entries for the same entity add to earlier ones.
    const byRef = new Map<string, PushedFacts>();
    for (const e of request.entities) {
      byRef.set(e.entityRef, { ...byRef.get(e.entityRef), ...e.facts });
    }
    const refs = [...byRef.keys()];
    const found = await lookup(refs);
    const missing = refs.filter((_, i) => !found[i]);
    if (missing.length > 0) {
      throw new InputError(
        `entities: not in the catalog: ${missing.slice(0, 20).join(', ')}${
          missing.length > 20 ? ` and ${missing.length - 20} more` : ''
        }`,
      );
    }
    const entities = found as Entity[];
    const org = await this.options.org.current();
    const now = this.now();
    let stored = 0;
    // Under the write lock, with the migrations as stored now: a full pass on another replica runs before or
    // after this push, never in between.
    await store.exclusively(async trx => {
      const migrations = await store.listMigrations(trx);
      stored = await store.putFacts(
        trx,
        [...byRef].map(([entityRef, facts]) => ({ entityRef, facts })),
        updatedBy,
        now.toISOString(),
      );
      const facts = await store.getFacts(refs, trx);
      const rows = this.evaluate(migrations, entities, facts, org, dayOf(now));
      await store.replaceEntities({
        entityRefs: refs,
        rows,
        evaluatedAt: now.toISOString(),
        day: dayOf(now),
        trx,
      });
    });
    return { stored, reevaluated: entities.length };
  }

  async listSummaries(): Promise<MigrationSummary[]> {
    const { store } = this.options;
    const today = dayOf(this.now());
    const [migrations, counts, totals] = await Promise.all([
      store.listMigrations(),
      store.countsByMigration(),
      store.dailyTotals(addDays(today, -TREND_WINDOW_DAYS - 1)),
    ]);
    return migrations.map(m =>
      this.summarize(
        m,
        counts.get(m.id),
        totals.filter(t => t.migrationId === m.id),
        today,
      ),
    );
  }

  async getSummary(id: string): Promise<MigrationSummary> {
    const summary = (await this.listSummaries()).find(m => m.id === id);
    if (!summary) throw new NotFoundError(`No migration '${id}'`);
    return summary;
  }

  private summarize(
    m: MigrationDefinition & { evaluatedAt?: string },
    counts: CountsRow | undefined,
    history: Array<{ day: string; done: number }>,
    today: string,
  ): MigrationSummary {
    const c = counts ?? { done: 0, remaining: 0, exempt: 0, pct: 100 };
    return {
      id: m.id,
      title: m.title,
      description: m.description,
      link: m.link,
      owner: m.owner,
      startDate: m.startDate,
      targetDate: m.targetDate,
      done: c.done,
      remaining: c.remaining,
      exempt: c.exempt,
      total: c.done + c.remaining + c.exempt,
      percent: Math.round(c.pct * 10) / 10,
      daysToTarget: daysBetween(today, m.targetDate),
      checkDescription: describeCheck(m.check),
      evaluatedAt: m.evaluatedAt,
      fixTemplate: m.fixTemplate,
      ...healthOf({
        today,
        startDate: m.startDate,
        targetDate: m.targetDate,
        remaining: c.remaining,
        history,
      }),
    };
  }

  /**
   * Tribes and their squads ranked by percent done. Each owner's counts roll up into its tribe and into the squad
   * directly below that tribe (a sub-squad's into its squad), by the org model's rules: a row covers the same
   * owners as the team's tree on the manage page.
   */
  async leaderboard(id: string): Promise<LeaderboardResponse> {
    const { store } = this.options;
    await this.getSummary(id);
    const [owners, org] = await Promise.all([
      store.countsByOwner(id),
      this.options.org.current(),
    ]);
    const tribes = new Map<
      string,
      { counts: CountsRow; squads: Map<string, CountsRow> }
    >();
    for (const owner of owners) {
      const tribeRef = org.tribeOf(owner.ownerRef);
      const squadRef = org.squadOf(owner.ownerRef);
      const tribe = tribes.get(tribeRef) ?? {
        counts: NO_COUNTS,
        squads: new Map(),
      };
      tribe.counts = addCounts(tribe.counts, owner);
      tribe.squads.set(
        squadRef,
        addCounts(tribe.squads.get(squadRef) ?? NO_COUNTS, owner),
      );
      tribes.set(tribeRef, tribe);
    }
    const row = (
      teamRef: string,
      c: CountsRow,
      rank: number,
    ): LeaderboardTeam => ({
      teamRef,
      title: org.titleOf(teamRef),
      rank,
      done: c.done,
      remaining: c.remaining,
      exempt: c.exempt,
      total: c.done + c.remaining + c.exempt,
      percent: Math.round(c.pct * 10) / 10,
    });
    return {
      tribes: [...tribes]
        .map(([ref, t]) => [ref, t.counts] as [string, CountsRow])
        .sort(byRank)
        .map(([ref, counts], i) => ({
          ...row(ref, counts, i + 1),
          squads: [...tribes.get(ref)!.squads]
            .sort(byRank)
            .map(([squad, c], j) => row(squad, c, j + 1)),
        })),
    };
  }

  async burnup(id: string, teamRef?: string): Promise<BurnupResponse> {
    const summary = await this.getSummary(id);
    return {
      startDate: summary.startDate,
      targetDate: summary.targetDate,
      points: await this.options.store.burnup(
        id,
        teamRef
          ? (await this.options.org.current()).treeOf(teamRef)
          : undefined,
      ),
    };
  }

  async entities(id: string, status?: string): Promise<MigrationEntity[]> {
    await this.getSummary(id);
    return this.options.store.entities(id, status);
  }

  async entityItems(entityRef: string): Promise<EntityMigrationItem[]> {
    const [items, migrations] = await Promise.all([
      this.options.store.entityItems(entityRef),
      this.options.store.listMigrations(),
    ]);
    const fixTemplates = new Map(migrations.map(m => [m.id, m.fixTemplate]));
    return items.map(item => ({
      ...item,
      fixTemplate: fixTemplates.get(item.migrationId),
    }));
  }

  /** A team's open items: those of every owner in its tree. */
  async teamItems(groupRef: string): Promise<EntityMigrationItem[]> {
    const org = await this.options.org.current();
    return this.options.store.teamItems(org.treeOf(groupRef));
  }
}
