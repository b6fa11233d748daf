import { InputError } from '@backstage/errors';
import { kpiBatchSchema } from '@internal/plugin-manage-common';
import { fromZodError } from 'zod-validation-error';
import { KpiProvider } from '@internal/plugin-manage-node';
import { ManageStore } from '../database/ManageStore';
import { safeErrorMessage } from './errorMessage';
import { monthBefore } from './months';

export interface IngestionResult {
  stored: number;
  /** Entity refs the catalog mirror does not know (yet): stored, but not shown until the catalog has them. */
  unknownEntityRefs: string[];
}

/** The one way KPI samples get into the store, for the push API and for every provider. */
export class KpiIngestion {
  constructor(private readonly store: ManageStore) {}

  /**
   * One run of a provider. A run that throws, or returns samples the push API would refuse, stores nothing: the
   * provider's last good samples stay, and its status records the error (other providers run on their own tasks).
   */
  async collect(provider: KpiProvider): Promise<IngestionResult> {
    let samples: unknown[];
    try {
      samples = await provider.collect();
    } catch (error) {
      await this.recordFailure(provider.id, error);
      throw error;
    }
    if (Array.isArray(samples) && samples.length === 0) {
      // Nothing to report (e.g. no entity has the provider's annotation yet) is a successful run.
      await this.store.recordEmptySuccess(provider.id);
      return { stored: 0, unknownEntityRefs: [] };
    }
    return this.ingest({ samples }, provider.id);
  }

  /** Validates the whole batch first, then stores it in one transaction: a bad sample stores nothing. */
  async ingest(payload: unknown, source: string): Promise<IngestionResult> {
    try {
      return await this.validateAndStore(payload, source);
    } catch (error) {
      await this.recordFailure(source, error);
      throw error;
    }
  }

  /** The error must reach the caller even when the database that would record it is what failed. */
  private async recordFailure(source: string, error: unknown) {
    await this.store
      .recordFailure(source, safeErrorMessage(error))
      .catch(() => {});
  }

  private async validateAndStore(
    payload: unknown,
    source: string,
  ): Promise<IngestionResult> {
    const parsed = kpiBatchSchema.safeParse(payload);
    if (!parsed.success) {
      // Each issue with its field: `… at "samples[3].period"`.
      throw new InputError(
        fromZodError(parsed.error, {
          prefix: 'Invalid KPI batch, nothing was stored',
        }).message,
      );
    }
    const samples = parsed.data.samples;
    // A future month would move every team's trend window (it ends at the newest month stored).
    const currentMonth = monthBefore(new Date());
    const future = samples
      .map((s, i) => ({ i, period: s.period }))
      .filter(s => s.period > currentMonth);
    if (future.length) {
      throw new InputError(
        `Invalid KPI batch, nothing was stored: ${future
          .slice(0, 5)
          .map(f => `samples.${f.i}.period: ${f.period} is in the future`)
          .join('; ')}`,
      );
    }
    const duplicates = findDuplicates(samples);
    if (duplicates.length) {
      throw new InputError(
        `Invalid KPI batch, nothing was stored: the same entity, kpi and period appear more than once: ${duplicates
          .slice(0, 5)
          .join(', ')}`,
      );
    }
    await this.store.upsertSamples(samples, source);
    const refs = [...new Set(samples.map(s => s.entityRef))];
    const known = await this.store.knownEntityRefs(refs);
    return {
      stored: samples.length,
      unknownEntityRefs: refs.filter(ref => !known.has(ref)),
    };
  }
}

function findDuplicates(
  samples: { entityRef: string; kpi: string; period: string }[],
): string[] {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const s of samples) {
    const key = `${s.entityRef} ${s.kpi} ${s.period}`;
    if (seen.has(key)) duplicates.push(key);
    seen.add(key);
  }
  return duplicates;
}
