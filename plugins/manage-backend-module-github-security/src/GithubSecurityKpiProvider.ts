import {
  AuthService,
  LoggerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  entitiesByAnnotation,
  KpiProvider,
} from '@internal/plugin-manage-node';
import { Octokit } from '@octokit/rest';

export const PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';

const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
type Severity = (typeof SEVERITIES)[number];
type Counts = Record<Severity, number>;

/**
 * Open security issues of each entity's repository by severity (KPIs `security-issues-<severity>`, the current
 * month): Dependabot alerts by their advisory's severity plus code-scanning alerts by their rule's security
 * severity (alerts of non-security rules have none and are left out). The repository is the entity's
 * `github.com/project-slug`; credentials come from the GitHub integration (`integrations.github`) for `host`.
 */
export class GithubSecurityKpiProvider implements KpiProvider {
  readonly id = 'github-security';
  readonly kpis = [
    'security-issues-critical',
    'security-issues-high',
    'security-issues-medium',
    'security-issues-low',
  ];

  constructor(
    readonly schedule: SchedulerServiceTaskScheduleDefinition,
    private readonly host: string,
    private readonly integrations: ScmIntegrationRegistry,
    private readonly credentials: GithubCredentialsProvider,
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly logger: LoggerService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async collect(): Promise<unknown[]> {
    const integration = this.integrations.github.byHost(this.host);
    if (!integration) {
      throw new Error(
        `No GitHub integration for ${this.host} in integrations.github`,
      );
    }
    const period = this.now().toISOString().slice(0, 7);
    const samples: unknown[] = [];
    const octokits = new Map<string, Octokit>();
    for (const { entityRef, value: slug } of await entitiesByAnnotation(
      this.catalog,
      this.auth,
      PROJECT_SLUG_ANNOTATION,
    )) {
      const [owner, repo, ...rest] = slug.split('/');
      if (!owner || !repo || rest.length) {
        this.logger.warn(
          `${entityRef}: ${PROJECT_SLUG_ANNOTATION} "${slug}" is not owner/repo`,
        );
        continue;
      }
      const octokit = await this.octokitFor(
        octokits,
        `https://${this.host}/${owner}/${repo}`,
        integration.config.apiBaseUrl,
      );
      const counts = await this.countAlerts(octokit, owner, repo, entityRef);
      if (!counts) continue;
      for (const severity of SEVERITIES) {
        samples.push({
          entityRef,
          kpi: `security-issues-${severity}`,
          period,
          value: counts[severity],
        });
      }
    }
    return samples;
  }

  /** One client per token (an app installation covers a whole org), reused across the run. */
  private async octokitFor(
    cache: Map<string, Octokit>,
    url: string,
    baseUrl?: string,
  ) {
    const { token } = await this.credentials.getCredentials({ url });
    const key = token ?? '';
    let octokit = cache.get(key);
    if (!octokit) {
      octokit = new Octokit({ auth: token, baseUrl });
      cache.set(key, octokit);
    }
    return octokit;
  }

  /**
   * Undefined when neither kind of alert is available for the repository (both features off, or no access): no
   * sample is better than a reassuring 0. Any other failure fails the run, so nothing is stored.
   */
  private async countAlerts(
    octokit: Octokit,
    owner: string,
    repo: string,
    entityRef: string,
  ): Promise<Counts | undefined> {
    const counts: Counts = { critical: 0, high: 0, medium: 0, low: 0 };
    const add = (severity: string | null | undefined) => {
      if (severity && (SEVERITIES as readonly string[]).includes(severity)) {
        counts[severity as Severity] += 1;
      }
    };
    const dependabot = await unlessDisabled(() =>
      octokit.paginate('GET /repos/{owner}/{repo}/dependabot/alerts', {
        owner,
        repo,
        state: 'open',
        per_page: 100,
      }),
    );
    dependabot?.forEach(alert => add(alert.security_advisory?.severity));
    const codeScanning = await unlessDisabled(() =>
      octokit.paginate('GET /repos/{owner}/{repo}/code-scanning/alerts', {
        owner,
        repo,
        state: 'open',
        per_page: 100,
      }),
    );
    codeScanning?.forEach(alert =>
      // In the API's alert rule, missing from @octokit/rest 19's types.
      add(
        (alert.rule as { security_severity_level?: string | null })
          ?.security_severity_level,
      ),
    );
    if (!dependabot && !codeScanning) {
      this.logger.warn(
        `${entityRef}: neither Dependabot nor code-scanning alerts of ${owner}/${repo} are available (disabled, or the integration's token may not read them)`,
      );
      return undefined;
    }
    return counts;
  }
}

/**
 * GitHub answers 403 "Dependabot alerts are disabled for this repository" and 404 "no analysis found" (code
 * scanning never ran) or "Not Found" for a repository the token cannot see: that source has nothing to say.
 */
async function unlessDisabled<T>(
  read: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await read();
  } catch (e) {
    const status = (e as { status?: number }).status;
    if (status === 403 || status === 404) return undefined;
    throw e;
  }
}
