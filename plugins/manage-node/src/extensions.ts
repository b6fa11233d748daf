import {
  createExtensionPoint,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';

/**
 * A source of KPI samples (a cost API, an incident tool, a security scanner). The plugin runs each provider on
 * its schedule (once across all replicas), validates what it returns like a push and stores it all-or-nothing,
 * with the provider's id as the samples' source.
 *
 * @public
 */
export interface KpiProvider {
  /** Unique and stable: names the scheduled task and the samples' source. */
  id: string;
  /** When `collect` runs; the plugin runs it once across all replicas. */
  schedule: SchedulerServiceTaskScheduleDefinition;
  /**
   * The KPI names the provider reports (e.g. `['cloud-cost']`), so its tiles can warn about it even before its first
   * successful run. Optional: the KPIs it has stored are known after that run anyway.
   */
  kpis?: string[];
  /** Samples in the push API's shape: `{ entityRef, kpi, period: 'YYYY-MM', value }`. */
  collect(): Promise<unknown[]>;
}

/**
 * What a module gets from {@link manageKpiProvidersExtensionPoint}.
 *
 * @public
 */
export interface ManageKpiProvidersExtensionPoint {
  /** Adds providers; the plugin schedules each one when it starts. */
  addProvider(...providers: KpiProvider[]): void;
}

/**
 * Lets a backend module add KPI providers without touching the manage plugin.
 *
 * @public
 */
export const manageKpiProvidersExtensionPoint =
  createExtensionPoint<ManageKpiProvidersExtensionPoint>({
    id: 'manage.kpi-providers',
  });
