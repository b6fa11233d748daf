import { KpiName, SecuritySeverity } from './kpis';

/** @public */
export interface TeamInfo {
  ref: string;
  title: string;
  type?: string;
  parentRef?: string;
  parentTitle?: string;
}

/**
 * An entity a team (or one of its sub-teams) owns, with its KPIs for the latest period.
 *
 * @public
 */
export interface OwnedEntity {
  ref: string;
  kind: string;
  type?: string;
  lifecycle?: string;
  title?: string;
  ownerRef: string;
  latest: {
    cloudCost?: number;
    incidents?: number;
    securityIssues?: number;
  };
}

/**
 * KPI totals of one month, summed over everything the team and its sub-teams own.
 *
 * @public
 */
export interface KpiPeriodTotals {
  period: string;
  cloudCost: number;
  incidents: number;
  incidentRepairMinutes: number;
  securityIssues: Record<SecuritySeverity, number>;
}

/** @public */
export interface SubTeamSummary extends TeamInfo {
  ownedCount: number;
  /** Latest-period cloud cost of what the sub-team (and its own sub-teams) own. */
  cloudCost: number;
}

/** @public */
export interface TeamSummary {
  team: TeamInfo;
  /** Direct sub-teams (a tribe's squads), each rolled up. */
  subTeams: SubTeamSummary[];
  owned: {
    total: number;
    byKind: { kind: string; type?: string; count: number }[];
    entities: OwnedEntity[];
    /** True when `entities` was cut at the response limit; `total` and `byKind` are always complete. */
    truncated: boolean;
  };
  /** Oldest first: the months with data among the 12 ending with the portal's newest month (TREND_PERIODS). */
  trend: KpiPeriodTotals[];
  /** How fresh each KPI source is; a tile shows those whose `kpis` it displays. */
  sources: KpiSourceFreshness[];
}

/**
 * `fresh`: the last run (or push) succeeded within `staleAfterSeconds`. `stale`: it succeeded longer ago, or never
 * yet. `failed`: the last run failed (its last good samples are still shown).
 *
 * @public
 */
export type KpiSourceState = 'fresh' | 'stale' | 'failed';

/**
 * How one KPI source last did: a provider, a sample file, or a caller pushing through `POST /api/manage/kpis`.
 *
 * @public
 */
export interface KpiSourceFreshness {
  /** The samples' source: a provider or file id, or `push:<principal>` for pushes. */
  id: string;
  kind: 'provider' | 'file' | 'push';
  /** The KPIs the source provides (declared, or stored by it so far). */
  kpis: KpiName[];
  /** ISO timestamps. */
  lastSuccessAt?: string;
  lastErrorAt?: string;
  /** The last error's message only (no stack, no response bodies, credentials redacted). */
  lastError?: string;
  /** Samples stored by the last successful run or push. */
  sampleCount: number;
  /** Older successes are stale: the source's schedule × `manage.freshness.staleFactor`, or a configured duration. */
  staleAfterSeconds: number;
  state: KpiSourceState;
}
