import { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import {
  KPI_NAMES,
  KpiName,
  KpiSourceFreshness,
} from '@internal/plugin-manage-common';
import { KpiSourceRow, ManageStore } from '../database/ManageStore';

/** A source this backend runs on a schedule: a provider from the extension point or a configured sample file. */
export interface ScheduledSource {
  id: string;
  kind: 'provider' | 'file';
  kpis?: string[];
  schedule: SchedulerServiceTaskScheduleDefinition;
}

const DEFAULT_STALE_FACTOR = 3;
const DEFAULT_STALE_AFTER_MS = 48 * 3600_000;

/**
 * Each KPI source's status with a computed state. The rows are shared by all replicas; the thresholds come from this
 * replica's config and schedules (the same on every replica). Rows of sources no longer configured are left out
 * (a removed provider does not warn forever); pushed sources are always shown, as any CI caller may push.
 */
export class SourceFreshness {
  static fromConfig(
    config: Config,
    sources: ScheduledSource[],
    store: ManageStore,
  ): SourceFreshness {
    const freshness = config.getOptionalConfig('manage.freshness');
    const staleFactor =
      freshness?.getOptionalNumber('staleFactor') ?? DEFAULT_STALE_FACTOR;
    if (!(staleFactor > 0)) {
      throw new Error(
        `manage.freshness.staleFactor must be a positive number, got ${staleFactor}`,
      );
    }
    const defaultStaleAfterMs = freshness?.has('staleAfter')
      ? durationMs(readDurationFromConfig(freshness, { key: 'staleAfter' }))
      : DEFAULT_STALE_AFTER_MS;
    const overrides = new Map<string, number>();
    for (const source of freshness?.getOptionalConfigArray('sources') ?? []) {
      overrides.set(
        source.getString('id'),
        durationMs(readDurationFromConfig(source, { key: 'staleAfter' })),
      );
    }
    return new SourceFreshness(
      store,
      sources.map(s => {
        const frequency = frequencyMs(s.schedule);
        return {
          ...s,
          staleAfterMs:
            overrides.get(s.id) ??
            (Number.isNaN(frequency)
              ? defaultStaleAfterMs
              : frequency * staleFactor),
        };
      }),
      id => overrides.get(id) ?? defaultStaleAfterMs,
    );
  }

  private constructor(
    private readonly store: ManageStore,
    private readonly scheduled: (ScheduledSource & { staleAfterMs: number })[],
    private readonly pushStaleAfterMs: (id: string) => number,
  ) {}

  async list(now: Date = new Date()): Promise<KpiSourceFreshness[]> {
    const rows = new Map(
      (await this.store.listSources()).map(r => [r.sourceId, r]),
    );
    const result = this.scheduled.map(s =>
      toFreshness(
        s.id,
        s.kind,
        rows.get(s.id),
        s.kpis ?? [],
        s.staleAfterMs,
        now,
      ),
    );
    for (const row of rows.values()) {
      if (!row.sourceId.startsWith('push:')) continue;
      result.push(
        toFreshness(
          row.sourceId,
          'push',
          row,
          [],
          this.pushStaleAfterMs(row.sourceId),
          now,
        ),
      );
    }
    return result;
  }
}

function toFreshness(
  id: string,
  kind: KpiSourceFreshness['kind'],
  row: KpiSourceRow | undefined,
  declaredKpis: string[],
  staleAfterMs: number,
  now: Date,
): KpiSourceFreshness {
  const { lastSuccessAt, lastErrorAt } = row ?? {};
  let state: KpiSourceFreshness['state'] = 'fresh';
  if (lastErrorAt && (!lastSuccessAt || lastErrorAt >= lastSuccessAt)) {
    state = 'failed';
  } else if (
    !lastSuccessAt ||
    now.getTime() - lastSuccessAt.getTime() > staleAfterMs
  ) {
    state = 'stale';
  }
  const kpis = new Set([...declaredKpis, ...(row?.kpis ?? [])]);
  return {
    id,
    kind,
    kpis: KPI_NAMES.filter((k: KpiName) => kpis.has(k)),
    lastSuccessAt: lastSuccessAt?.toISOString(),
    lastErrorAt: lastErrorAt?.toISOString(),
    lastError: row?.lastError,
    sampleCount: row?.sampleCount ?? 0,
    staleAfterSeconds: Math.round(staleAfterMs / 1000),
    state,
  };
}

const UNIT_MS: Record<string, number> = {
  years: 365 * 86400_000,
  months: 30 * 86400_000,
  weeks: 7 * 86400_000,
  days: 86400_000,
  hours: 3600_000,
  minutes: 60_000,
  seconds: 1000,
  milliseconds: 1,
};

function durationMs(duration: Record<string, number | undefined>): number {
  return Object.entries(duration).reduce(
    (sum, [unit, n]) => sum + (n ?? 0) * (UNIT_MS[unit] ?? NaN),
    0,
  );
}

/** A fixed frequency in ms; NaN for a cron expression or a manual trigger (no period to compare with). */
function frequencyMs(schedule: SchedulerServiceTaskScheduleDefinition): number {
  const frequency = schedule.frequency as any;
  if (typeof frequency?.toMillis === 'function') return frequency.toMillis(); // a luxon Duration
  if ('cron' in frequency || 'trigger' in frequency) return NaN;
  return durationMs(frequency);
}
