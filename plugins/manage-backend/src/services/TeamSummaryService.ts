import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  KpiPeriodTotals,
  OwnedEntity,
  TREND_PERIODS,
  TeamSummary,
} from '@internal/plugin-manage-common';
import { normalizeRef, OrgModel } from '@internal/plugin-org-model-common';
import { OrgModelService } from '@internal/plugin-org-model-node';
import { KpiTotalRow, ManageStore, Visibility } from '../database/ManageStore';
import { EntityVisibility } from './EntityVisibility';
import { ServerTiming } from './ServerTiming';
import { SourceFreshness } from './SourceFreshness';

/** The most owned entities listed in one summary; counts and KPIs always cover all of them. */
export const MAX_LISTED_ENTITIES = 1000;

/**
 * A team's page: what it and its sub-teams own, and their KPIs rolled up over the team's tree from the org model,
 * all aggregated in SQL.
 */
export class TeamSummaryService {
  constructor(
    private readonly store: ManageStore,
    private readonly visibility: EntityVisibility,
    private readonly org: OrgModelService,
    private readonly freshness: SourceFreshness,
  ) {}

  async getSummary(
    rawGroupRef: string,
    credentials: BackstageCredentials,
    timing: ServerTiming = new ServerTiming(),
  ): Promise<TeamSummary> {
    const groupRef = normaliseGroupRef(rawGroupRef);
    const org = await this.org.current();
    const group = org.get(groupRef);
    // An unreadable team answers like a missing one, so its existence does not leak.
    const readable = await timing.measure('team-permission', () =>
      this.visibility.canRead(groupRef, credentials),
    );
    if (!group || !readable) {
      throw new NotFoundError(`No team ${groupRef} in the catalog`);
    }
    const owners = org.treeOf(groupRef);
    let candidates: string[] | undefined;
    const visible = await timing.measure('entity-permission', () =>
      this.visibility.resolve(credentials, async () => {
        candidates = await this.store.ownedRefs(owners, { all: true });
        return candidates;
      }),
    );
    // Every owned entity readable (outright, or each one allowed by a conditional decision): the per-owner totals
    // are exactly the caller's sums.
    const seesAll =
      'all' in visible || visible.refs.length === candidates?.length;
    const refs = await this.store.ownedRefs(owners, visible);

    // The sources are global (a provider covers every team): a handful of rows, read alongside the team's queries.
    const sources = timing.measure('sources', () => this.freshness.list());
    sources.catch(() => {}); // awaited below; not an unhandled rejection if a team query fails first
    const [byKind, listed, latest] = await timing.measure('owned', () =>
      Promise.all([
        this.store.countOwnedByKind(owners, visible),
        this.store.listOwned(owners, visible, MAX_LISTED_ENTITIES + 1),
        this.store.latestPeriod(),
      ]),
    );
    const entities = listed.slice(0, MAX_LISTED_ENTITIES);
    // The window ends at the portal's newest month; a team without data in it shows no KPIs.
    const [trendRows, entityKpis, costByOwner] = latest
      ? await timing.measure('kpis', () =>
          Promise.all([
            // A caller who may see every owned entity gets the per-owner monthly totals (a few rows per owner);
            // anyone else the sums over just their visible entities' samples.
            seesAll
              ? this.store.ownerKpiTotals(
                  owners,
                  addMonths(latest, 1 - TREND_PERIODS),
                  latest,
                )
              : this.store.kpiTotals(
                  refs,
                  addMonths(latest, 1 - TREND_PERIODS),
                  latest,
                ),
            this.store.entityKpis(
              entities.map(e => e.entityRef),
              latest,
            ),
            seesAll
              ? this.store.ownerTotals(owners, 'cloud-cost', latest)
              : this.store.totalsByOwner(refs, 'cloud-cost', latest),
          ]),
        )
      : [[], [], new Map<string, number>()];

    return {
      team: {
        ref: group.ref,
        title: group.title,
        type: group.type,
        parentRef: group.parentRef,
        parentTitle: group.parentRef
          ? org.get(group.parentRef)?.title
          : undefined,
      },
      subTeams: await timing.measure('sub-teams', () =>
        this.subTeams(org, groupRef, visible, costByOwner),
      ),
      owned: {
        total: byKind.reduce((sum, k) => sum + k.count, 0),
        byKind,
        entities: withLatestKpis(entities, entityKpis),
        truncated: listed.length > MAX_LISTED_ENTITIES,
      },
      trend: toTrend(trendRows),
      sources: await sources,
    };
  }

  /** Each direct sub-team rolled up over its own tree, from the per-owner totals of the team's query. */
  private async subTeams(
    org: OrgModel,
    groupRef: string,
    visible: Visibility,
    costByOwner: Map<string, number>,
  ): Promise<TeamSummary['subTeams']> {
    return Promise.all(
      org.childrenOf(groupRef).map(async child => {
        const owners = org.treeOf(child.ref);
        const byKind = await this.store.countOwnedByKind(owners, visible);
        return {
          ref: child.ref,
          title: child.title,
          type: child.type,
          parentRef: child.parentRef,
          ownedCount: byKind.reduce((sum, k) => sum + k.count, 0),
          cloudCost: owners.reduce(
            (sum, owner) => sum + (costByOwner.get(owner) ?? 0),
            0,
          ),
        };
      }),
    );
  }
}

function normaliseGroupRef(raw: string): string {
  let ref;
  try {
    ref = parseEntityRef(raw, { defaultKind: 'group' });
  } catch (e) {
    throw new InputError(`Invalid team ref '${raw}': ${(e as Error).message}`);
  }
  if (ref.kind.toLocaleLowerCase('en-US') !== 'group') {
    throw new InputError(`'${raw}' is not a group ref`);
  }
  return normalizeRef(raw);
}

/** `YYYY-MM` plus n months (n may be negative). */
export function addMonths(period: string, n: number): string {
  const [year, month] = period.split('-').map(Number);
  const index = year * 12 + (month - 1) + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(
    2,
    '0',
  )}`;
}

function toTrend(rows: KpiTotalRow[]): KpiPeriodTotals[] {
  const byPeriod = new Map<string, KpiPeriodTotals>();
  for (const row of rows) {
    let totals = byPeriod.get(row.period);
    if (!totals) {
      totals = {
        period: row.period,
        cloudCost: 0,
        incidents: 0,
        incidentRepairMinutes: 0,
        securityIssues: { critical: 0, high: 0, medium: 0, low: 0 },
      };
      byPeriod.set(row.period, totals);
    }
    switch (row.kpi) {
      case 'cloud-cost':
        totals.cloudCost = row.total;
        break;
      case 'incidents':
        totals.incidents = row.total;
        break;
      case 'incident-repair-minutes':
        totals.incidentRepairMinutes = row.total;
        break;
      default:
        totals.securityIssues[
          row.kpi.replace(
            'security-issues-',
            '',
          ) as keyof KpiPeriodTotals['securityIssues']
        ] = row.total;
    }
  }
  return [...byPeriod.values()].sort((a, b) =>
    a.period.localeCompare(b.period),
  );
}

function withLatestKpis(
  entities: Awaited<ReturnType<ManageStore['listOwned']>>,
  kpis: Awaited<ReturnType<ManageStore['entityKpis']>>,
): OwnedEntity[] {
  const byEntity = new Map<string, OwnedEntity['latest']>();
  for (const { entityRef, kpi, value } of kpis) {
    const latest = byEntity.get(entityRef) ?? {};
    if (kpi === 'cloud-cost') latest.cloudCost = value;
    else if (kpi === 'incidents') latest.incidents = value;
    else if (kpi.startsWith('security-issues-'))
      latest.securityIssues = (latest.securityIssues ?? 0) + value;
    byEntity.set(entityRef, latest);
  }
  return entities.map(e => ({
    ref: e.entityRef,
    kind: e.kind,
    type: e.type,
    lifecycle: e.lifecycle,
    title: e.title,
    ownerRef: e.ownerRef,
    latest: byEntity.get(e.entityRef) ?? {},
  }));
}
