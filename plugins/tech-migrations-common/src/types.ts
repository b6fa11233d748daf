/**
 * API responses of `/api/tech-migrations`.
 *
 * @public
 */

export type EntityMigrationState = 'done' | 'remaining' | 'exempt';

/**
 * on track / at risk / overdue from the burn-up trend against the target date; done when nothing remains.
 *
 * @public
 */
export type MigrationHealth = 'done' | 'onTrack' | 'atRisk' | 'overdue';

/** @public */
export interface MigrationCounts {
  done: number;
  remaining: number;
  exempt: number;
  total: number;
  /** done / (done + remaining) in percent; 100 when nothing is left to do. */
  percent: number;
}

/** @public */
export interface MigrationSummary extends MigrationCounts {
  id: string;
  title: string;
  description?: string;
  link?: string;
  owner: string;
  startDate: string;
  targetDate: string;
  daysToTarget: number;
  health: MigrationHealth;
  /** Projected completion day from the trend, when there is progress to extrapolate. */
  projectedDate?: string;
  /** Human-readable definition of done. */
  checkDescription: string;
  evaluatedAt?: string;
  /** The template that fixes a remaining entity (`template:default/<name>`), when the definition names one. */
  fixTemplate?: string;
}

/** @public */
export interface DefinitionError {
  file: string;
  message: string;
}

/** @public */
export interface MigrationListResponse {
  migrations: MigrationSummary[];
  errors: DefinitionError[];
}

/** @public */
export interface LeaderboardTeam extends MigrationCounts {
  teamRef: string;
  title: string;
  rank: number;
}

/** @public */
export interface LeaderboardTribe extends LeaderboardTeam {
  squads: LeaderboardTeam[];
}

/** @public */
export interface LeaderboardResponse {
  tribes: LeaderboardTribe[];
}

/** @public */
export interface BurnupPoint {
  day: string;
  done: number;
  remaining: number;
  exempt: number;
  total: number;
}

/** @public */
export interface BurnupResponse {
  startDate: string;
  targetDate: string;
  points: BurnupPoint[];
}

/** @public */
export interface MigrationEntity {
  migrationId: string;
  entityRef: string;
  ownerRef: string;
  tribeRef: string;
  status: EntityMigrationState;
  /** What the check found missing (remaining), or the exemption's reason and expiry (exempt). */
  detail?: string;
}

/** @public */
export interface MigrationEntitiesResponse {
  entities: MigrationEntity[];
}

/** @public */
export interface EntityMigrationItem extends MigrationEntity {
  migrationTitle: string;
  targetDate: string;
  /** The migration's fix template (`template:default/<name>`), when it names one. */
  fixTemplate?: string;
}

/** @public */
export interface EntityMigrationsResponse {
  items: EntityMigrationItem[];
}

/** @public */
export interface FactsPushResponse {
  stored: number;
  reevaluated: number;
}

/** @public */
export interface EvaluationResult {
  migrations: number;
  entities: number;
  durationMs: number;
  errors: DefinitionError[];
}
