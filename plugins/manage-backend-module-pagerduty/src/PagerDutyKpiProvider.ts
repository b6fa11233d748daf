import {
  AuthService,
  LoggerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  entitiesByAnnotation,
  KpiProvider,
} from '@internal/plugin-manage-node';
import { CatalogService } from '@backstage/plugin-catalog-node';

export const SERVICE_ID_ANNOTATION = 'pagerduty.com/service-id';

export interface PagerDutyOptions {
  token: string;
  baseUrl: string;
  /** How many months to (re)load: the current one and the `months - 1` before it (PagerDuty allows 6). */
  months: number;
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** How often a 429 is retried (after `Retry-After`) before the run fails. */
  maxRetries: number;
}

/** The fields of PagerDuty's incident object this provider reads. */
interface Incident {
  id: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  created_at: string;
  resolved_at?: string | null;
  last_status_change_at?: string;
  service: { id: string };
}

const PAGE_SIZE = 100;
/** Service ids per request, keeping the query string short. */
const SERVICES_PER_REQUEST = 25;
/** Longest `Retry-After` honoured; a longer one fails the run (the next scheduled run tries again). */
const MAX_RETRY_AFTER_SECONDS = 60;

/**
 * Incidents per entity and month (KPI `incidents`, by `created_at`) and their minutes to resolve (KPI
 * `incident-repair-minutes`, MTTR = minutes / incidents) from PagerDuty's `GET /incidents`, for the services named
 * by the entities' `pagerduty.com/service-id` annotation. Every annotated entity gets a sample for every month in
 * the window, 0 included, so a month that calmed down is corrected.
 */
export class PagerDutyKpiProvider implements KpiProvider {
  readonly id = 'pagerduty';
  readonly kpis = ['incidents', 'incident-repair-minutes'];
  readonly schedule: SchedulerServiceTaskScheduleDefinition;

  constructor(
    private readonly options: PagerDutyOptions,
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly logger: LoggerService,
    private readonly now: () => Date = () => new Date(),
    private readonly sleep = (ms: number) =>
      new Promise<void>(r => setTimeout(r, ms)),
  ) {
    this.schedule = options.schedule;
  }

  async collect(): Promise<unknown[]> {
    const entityByService = new Map<string, string>();
    for (const { entityRef, value } of await entitiesByAnnotation(
      this.catalog,
      this.auth,
      SERVICE_ID_ANNOTATION,
    )) {
      const owner = entityByService.get(value);
      if (owner) {
        // Counting one service's incidents for two entities would count them twice in a team's sum.
        this.logger.warn(
          `PagerDuty service ${value} is annotated on ${owner} and ${entityRef}; its incidents count for ${owner} only`,
        );
      } else {
        entityByService.set(value, entityRef);
      }
    }
    if (!entityByService.size) return [];

    const now = this.now();
    const periods = monthsUpTo(now, this.options.months);
    const totals = new Map<string, { incidents: number; minutes: number }>();
    for (const entityRef of new Set(entityByService.values())) {
      for (const period of periods) {
        totals.set(`${entityRef} ${period}`, { incidents: 0, minutes: 0 });
      }
    }

    const serviceIds = [...entityByService.keys()];
    for (let i = 0; i < serviceIds.length; i += SERVICES_PER_REQUEST) {
      for await (const incident of this.incidents(
        serviceIds.slice(i, i + SERVICES_PER_REQUEST),
        `${periods[0]}-01T00:00:00Z`,
        now.toISOString(),
      )) {
        const entityRef = entityByService.get(incident.service?.id);
        const total = totals.get(
          `${entityRef} ${incident.created_at?.slice(0, 7)}`,
        );
        if (!total) continue;
        total.incidents += 1;
        total.minutes += repairMinutes(incident);
      }
    }

    return [...totals].flatMap(([key, total]) => {
      const [entityRef, period] = key.split(' ');
      return [
        { entityRef, kpi: 'incidents', period, value: total.incidents },
        {
          entityRef,
          kpi: 'incident-repair-minutes',
          period,
          value: Math.round(total.minutes),
        },
      ];
    });
  }

  /** Every incident of the services created in [since, until), following offset/limit pages while `more`. */
  private async *incidents(serviceIds: string[], since: string, until: string) {
    for (let offset = 0; ; offset += PAGE_SIZE) {
      const query = new URLSearchParams({
        since,
        until,
        time_zone: 'UTC',
        limit: String(PAGE_SIZE),
        offset: String(offset),
      });
      for (const id of serviceIds) query.append('service_ids[]', id);
      const page = (await this.get(`/incidents?${query}`)) as {
        incidents?: Incident[];
        more?: boolean;
      };
      yield* page.incidents ?? [];
      if (!page.more || !page.incidents?.length) return;
    }
  }

  private async get(path: string): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${this.options.baseUrl}${path}`, {
        headers: {
          Accept: 'application/vnd.pagerduty+json;version=2',
          Authorization: `Token token=${this.options.token}`,
        },
      });
      if (response.ok) return response.json();
      if (response.status === 429 && attempt < this.options.maxRetries) {
        const seconds = Number(response.headers.get('retry-after') ?? 1);
        if (
          Number.isFinite(seconds) &&
          seconds >= 0 &&
          seconds <= MAX_RETRY_AFTER_SECONDS
        ) {
          this.logger.info(
            `PagerDuty rate limit reached, retrying in ${seconds} s`,
          );
          await this.sleep(seconds * 1000);
          continue;
        }
      }
      const error = await ResponseError.fromResponse(response);
      error.message = `PagerDuty GET /incidents failed${
        response.status === 429 ? ` (rate limited ${attempt + 1} times)` : ''
      }: ${error.message}`;
      throw error;
    }
  }
}

function repairMinutes(incident: Incident): number {
  if (incident.status !== 'resolved') return 0; // counted once resolved, by a later run
  const resolvedAt = incident.resolved_at ?? incident.last_status_change_at;
  const minutes =
    (Date.parse(resolvedAt ?? '') - Date.parse(incident.created_at)) / 60_000;
  return Number.isFinite(minutes) && minutes > 0 ? minutes : 0;
}

/** `YYYY-MM` of the `months` months ending with the one of `now`, oldest first (UTC). */
export function monthsUpTo(now: Date, months: number): string[] {
  return Array.from({ length: months }, (_, i) =>
    new Date(
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1 - i), 1),
    )
      .toISOString()
      .slice(0, 7),
  );
}
