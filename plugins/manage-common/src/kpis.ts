/**
 * The KPIs the manage page knows. Every KPI is additive over entities and teams, so a team's value is the
 * SUM over what it owns and a tribe's the SUM over its squads; ratios (incidents per week, MTTR) are derived
 * from sums when they are shown, never stored.
 *
 * @public
 */
export const KPI_NAMES = [
  /** Cloud spend of the entity in the month, USD. */
  'cloud-cost',
  /** Incidents opened against the entity in the month. */
  'incidents',
  /** Total minutes to resolve those incidents (MTTR = incident-repair-minutes / incidents). */
  'incident-repair-minutes',
  /** Open security issues at the end of the month, per severity. */
  'security-issues-critical',
  'security-issues-high',
  'security-issues-medium',
  'security-issues-low',
] as const;

/** @public */
export type KpiName = (typeof KPI_NAMES)[number];

/** @public */
export const SECURITY_SEVERITIES = [
  'critical',
  'high',
  'medium',
  'low',
] as const;

/** @public */
export type SecuritySeverity = (typeof SECURITY_SEVERITIES)[number];

/**
 * One KPI value of one entity for one period (a calendar month, `YYYY-MM`).
 *
 * @public
 */
export interface KpiSample {
  entityRef: string;
  kpi: KpiName;
  period: string;
  value: number;
}

/**
 * Number of months shown in trends.
 *
 * @public
 */
export const TREND_PERIODS = 12;
