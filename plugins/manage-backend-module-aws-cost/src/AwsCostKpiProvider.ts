import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  GetCostAndUsageCommandOutput,
} from '@aws-sdk/client-cost-explorer';
import {
  LoggerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { KpiProvider } from '@internal/plugin-manage-node';

export interface AwsCostOptions {
  /** The cost-allocation tag whose value is an entity ref, e.g. `backstage-entity`. */
  tagKey: string;
  /** Cost Explorer metric, e.g. `UnblendedCost` or `AmortizedCost`. */
  metric: string;
  /** How many months to (re)load: the current month-to-date and the `months - 1` before it. */
  months: number;
  schedule: SchedulerServiceTaskScheduleDefinition;
}

/**
 * Monthly cost per entity from Cost Explorer's GetCostAndUsage (MONTHLY, grouped by the tag `tagKey`). Cost
 * Explorer names a group `<tagKey>$<value>`; the value is an entity ref (`component:default/payments`, or the
 * short `payments` for a Component in the default namespace). Untagged cost (`<tagKey>$`) belongs to no entity
 * and is left out. Re-reading the last months each run picks up Cost Explorer's late corrections.
 */
export class AwsCostKpiProvider implements KpiProvider {
  readonly id = 'aws-cost';
  readonly kpis = ['cloud-cost'];
  readonly schedule: SchedulerServiceTaskScheduleDefinition;

  constructor(
    private readonly client: CostExplorerClient,
    private readonly options: AwsCostOptions,
    private readonly logger: LoggerService,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.schedule = options.schedule;
  }

  async collect(): Promise<unknown[]> {
    const { start, end } = timePeriod(this.now(), this.options.months);
    if (start === end) return []; // the first day of a one-month window: nothing billed yet
    // Cost per `period` and entity ref; several tag values may name the same entity.
    const costs = new Map<string, number>();
    const invalid = new Set<string>();
    let token: string | undefined;
    do {
      const page: GetCostAndUsageCommandOutput = await this.client.send(
        new GetCostAndUsageCommand({
          TimePeriod: { Start: start, End: end },
          Granularity: 'MONTHLY',
          Metrics: [this.options.metric],
          GroupBy: [{ Type: 'TAG', Key: this.options.tagKey }],
          NextPageToken: token,
        }),
      );
      for (const result of page.ResultsByTime ?? []) {
        const period = result.TimePeriod?.Start?.slice(0, 7);
        if (!period) continue;
        for (const group of result.Groups ?? []) {
          const value = tagValue(group.Keys?.[0], this.options.tagKey);
          if (!value) continue; // untagged
          const entityRef = toEntityRef(value);
          if (!entityRef) {
            invalid.add(value);
            continue;
          }
          const amount = Number(group.Metrics?.[this.options.metric]?.Amount);
          if (!Number.isFinite(amount)) continue;
          const key = `${period} ${entityRef}`;
          costs.set(key, (costs.get(key) ?? 0) + amount);
        }
      }
      token = page.NextPageToken;
    } while (token);
    if (invalid.size) {
      this.logger.warn(
        `Cost-allocation tag ${
          this.options.tagKey
        } has values that are not entity refs, their cost is left out: ${[
          ...invalid,
        ]
          .slice(0, 10)
          .join(', ')}`,
      );
    }
    return [...costs].map(([key, value]) => {
      const [period, entityRef] = key.split(' ');
      return {
        entityRef,
        kpi: 'cloud-cost',
        period,
        value: Math.round(value * 100) / 100,
      };
    });
  }
}

/** Start (inclusive, first of the month `months - 1` ago) and end (exclusive, today) in UTC, as Cost Explorer wants. */
export function timePeriod(now: Date, months: number) {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const first = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1),
  );
  return { start: day(first), end: day(now) };
}

function tagValue(key: string | undefined, tagKey: string) {
  const prefix = `${tagKey}$`;
  return key?.startsWith(prefix) ? key.slice(prefix.length).trim() : undefined;
}

function toEntityRef(value: string): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(value.toLocaleLowerCase('en-US'), {
        defaultKind: 'component',
        defaultNamespace: 'default',
      }),
    );
  } catch {
    return undefined;
  }
}
