import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { annotatedComponent } from '@internal/plugin-manage-node/testUtils';
import { GithubSecurityKpiProvider } from './GithubSecurityKpiProvider';

const server = setupServer();
registerMswTestHooks(server);

const API = 'https://api.github.com';
const component = annotatedComponent('github.com/project-slug');

// The documented alert shapes, trimmed to the fields that matter.
const dependabotAlert = (n: number, severity: string) => ({
  number: n,
  state: 'open',
  security_advisory: { ghsa_id: `GHSA-${n}`, severity },
  security_vulnerability: { severity },
});
const codeScanningAlert = (
  n: number,
  securitySeverity: string | null,
  severity = 'error',
) => ({
  number: n,
  state: 'open',
  rule: {
    id: `rule-${n}`,
    severity,
    security_severity_level: securitySeverity,
  },
});

function provider(entities: Entity[]) {
  const integrations = ScmIntegrations.fromConfig(
    new ConfigReader({
      integrations: { github: [{ host: 'github.com', token: 'gh-token' }] },
    }),
  );
  return new GithubSecurityKpiProvider(
    { frequency: { hours: 6 }, timeout: { minutes: 10 } },
    'github.com',
    integrations,
    DefaultGithubCredentialsProvider.fromIntegrations(integrations),
    catalogServiceMock({ entities }),
    mockServices.auth(),
    mockServices.logger.mock(),
    () => new Date('2026-03-10T12:00:00Z'),
  );
}

const value = (samples: unknown[], entityRef: string, kpi: string) =>
  (samples as any[]).find(s => s.entityRef === entityRef && s.kpi === kpi)
    ?.value;

describe('GithubSecurityKpiProvider', () => {
  it('counts open Dependabot and code-scanning alerts by severity, following Link pages', async () => {
    const auth: (string | null)[] = [];
    server.use(
      http.get(
        `${API}/repos/acme/payments/dependabot/alerts`,
        ({ request }) => {
          auth.push(request.headers.get('authorization'));
          const url = new URL(request.url);
          expect(url.searchParams.get('state')).toBe('open');
          if (url.searchParams.get('after') !== 'c2') {
            return HttpResponse.json(
              [dependabotAlert(1, 'critical'), dependabotAlert(2, 'high')],
              {
                headers: {
                  Link: `<${API}/repos/acme/payments/dependabot/alerts?state=open&per_page=100&after=c2>; rel="next"`,
                },
              },
            );
          }
          return HttpResponse.json([
            dependabotAlert(3, 'high'),
            dependabotAlert(4, 'low'),
          ]);
        },
      ),
      http.get(`${API}/repos/acme/payments/code-scanning/alerts`, () =>
        HttpResponse.json([
          codeScanningAlert(7, 'medium'),
          codeScanningAlert(8, null, 'warning'), // a non-security rule: not a security issue
        ]),
      ),
      // Dependabot off and code scanning never ran: no sample rather than a reassuring 0
      http.get(`${API}/repos/acme/legacy/dependabot/alerts`, () =>
        HttpResponse.json(
          { message: 'Dependabot alerts are disabled for this repository.' },
          { status: 403 },
        ),
      ),
      http.get(`${API}/repos/acme/legacy/code-scanning/alerts`, () =>
        HttpResponse.json({ message: 'no analysis found' }, { status: 404 }),
      ),
    );

    const samples = await provider([
      component('payments', 'acme/payments'),
      component('legacy', 'acme/legacy'),
      component('unannotated'),
    ]).collect();

    const ref = 'component:default/payments';
    expect(value(samples, ref, 'security-issues-critical')).toBe(1);
    expect(value(samples, ref, 'security-issues-high')).toBe(2);
    expect(value(samples, ref, 'security-issues-medium')).toBe(1);
    expect(value(samples, ref, 'security-issues-low')).toBe(1);
    expect(samples).toHaveLength(4);
    expect((samples as any[]).every(s => s.period === '2026-03')).toBe(true);
    expect(auth[0]).toBe('token gh-token');
    expect(auth).toHaveLength(2); // both Dependabot pages
  });

  it('fails the run on any other refusal, so nothing is stored', async () => {
    server.use(
      http.get(`${API}/repos/acme/payments/dependabot/alerts`, () =>
        HttpResponse.json({ message: 'Bad credentials' }, { status: 401 }),
      ),
    );
    await expect(
      provider([component('payments', 'acme/payments')]).collect(),
    ).rejects.toThrow(/Bad credentials/);
  });
});
