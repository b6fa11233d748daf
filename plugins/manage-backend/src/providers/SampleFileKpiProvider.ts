import {
  RootConfigService,
  SchedulerServiceTaskScheduleDefinition,
  UrlReaderService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { KpiProvider } from '../extensions';

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 1 },
  timeout: { minutes: 5 },
  initialDelay: { seconds: 5 },
};

/**
 * Reads a JSON file of samples (the push API's body) from disk or from a URL, e.g. a nightly export a cost
 * or incident tool drops in a bucket. Used for the sample org's demo data.
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
    return samples;
  }
}
