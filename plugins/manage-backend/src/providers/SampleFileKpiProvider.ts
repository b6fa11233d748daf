import {
  RootConfigService,
  SchedulerServiceTaskScheduleDefinition,
  UrlReaderService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { KpiProvider } from '@internal/plugin-manage-node';
import { monthBefore } from '../services/months';

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 1 },
  timeout: { minutes: 5 },
  initialDelay: { seconds: 5 },
};

/**
 * Reads a JSON file of samples (the push API's body) from disk or from a URL, e.g. a nightly export a cost
 * or incident tool drops in a bucket. Used for the sample org's demo data, whose samples give `monthsAgo`
 * (0 = the current month) instead of `period`: they are resolved on every load, so the demo stays current
 * whatever the date, and the "no future month" rule never rejects it.
 */
export class SampleFileKpiProvider implements KpiProvider {
  static fromConfig(
    config: RootConfigService,
    urlReader: UrlReaderService,
  ): SampleFileKpiProvider[] {
    return (config.getOptionalConfigArray('manage.kpiSources') ?? []).map(
      source =>
        new SampleFileKpiProvider(
          `file:${source.getString('id')}`,
          source.getString('target'),
          source.has('schedule')
            ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
                source.getConfig('schedule'),
              )
            : DEFAULT_SCHEDULE,
          urlReader,
        ),
    );
  }

  constructor(
    readonly id: string,
    private readonly target: string,
    readonly schedule: SchedulerServiceTaskScheduleDefinition,
    private readonly urlReader: UrlReaderService,
  ) {}

  async collect(): Promise<unknown[]> {
    const text = /^https?:\/\//.test(this.target)
      ? (await (await this.urlReader.readUrl(this.target)).buffer()).toString(
          'utf8',
        )
      : await readFile(path.resolve(this.target), 'utf8');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw new InputError(
        `${this.target} is not valid JSON: ${(e as Error).message}`,
      );
    }
    const samples = (body as { samples?: unknown })?.samples;
    if (!Array.isArray(samples)) {
      throw new InputError(`${this.target} has no "samples" array`);
    }
    const now = new Date();
    return samples.map((sample, i) => this.resolveMonthsAgo(sample, i, now));
  }

  private resolveMonthsAgo(sample: unknown, index: number, now: Date) {
    if (!sample || typeof sample !== 'object' || !('monthsAgo' in sample)) {
      return sample; // an absolute `period`, validated with the rest of the batch
    }
    const { monthsAgo, ...rest } = sample as Record<string, unknown>;
    if ('period' in rest) {
      throw new InputError(
        `${this.target}: samples.${index} has both period and monthsAgo`,
      );
    }
    if (!Number.isInteger(monthsAgo) || (monthsAgo as number) < 0) {
      throw new InputError(
        `${this.target}: samples.${index}.monthsAgo: expected a whole number of months, 0 or more`,
      );
    }
    return { ...rest, period: monthBefore(now, monthsAgo as number) };
  }
}
