import { SecuritySeverity } from './kpis';

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
}
