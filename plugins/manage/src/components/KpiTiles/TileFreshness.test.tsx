import { renderInTestApp } from '@backstage/test-utils';
import {
  KpiName,
  KpiSourceFreshness,
  SECURITY_SEVERITIES,
} from '@internal/plugin-manage-common';
import { screen, within } from '@testing-library/react';
import { KpiTiles } from './KpiTiles';

const trend = [
  {
    period: '2026-10',
    cloudCost: 1000,
    incidents: 2,
    incidentRepairMinutes: 60,
    securityIssues: { critical: 1, high: 2, medium: 3, low: 4 },
  },
];

const minutesAgo = (minutes: number) =>
  new Date(Date.now() - minutes * 60_000).toISOString();

function source(
  id: string,
  kpis: KpiName[],
  fields: Partial<KpiSourceFreshness>,
): KpiSourceFreshness {
  return {
    id,
    kind: 'provider',
    kpis,
    sampleCount: 10,
    staleAfterSeconds: 3600,
    state: 'fresh',
    ...fields,
  };
}

const security = SECURITY_SEVERITIES.map(
  s => `security-issues-${s}` as KpiName,
);

/** The freshness line of a tile, and the state it says it shows. */
function freshnessOf(tile: string) {
  const line = within(screen.getByRole('region', { name: tile })).getByTestId(
    'kpi-freshness',
  );
  return { text: line.textContent, state: line.dataset.state };
}

describe('KPI tile freshness', () => {
  it('says how long ago a fresh tile was updated, from its oldest source', async () => {
    await renderInTestApp(
      <KpiTiles
        trend={trend}
        sources={[
          source('aws-cost', ['cloud-cost'], { lastSuccessAt: minutesAgo(5) }),
          source('push:external:ci', ['cloud-cost', 'incidents'], {
            kind: 'push',
            lastSuccessAt: minutesAgo(1),
          }),
        ]}
      />,
    );
    expect(freshnessOf('Cloud cost')).toEqual({
      text: 'Updated 5 min ago',
      state: 'fresh',
    });
    expect(freshnessOf('Incident rate').text).toBe('Updated 1 min ago');
    // No source provides security issues: no claim about their freshness.
    expect(
      within(
        screen.getByRole('region', { name: 'Security issues' }),
      ).queryByTestId('kpi-freshness'),
    ).not.toBeInTheDocument();
  });

  it('warns in words when a source is stale, or has not reported yet', async () => {
    await renderInTestApp(
      <KpiTiles
        trend={trend}
        sources={[
          source('pagerduty', ['incidents', 'incident-repair-minutes'], {
            lastSuccessAt: minutesAgo(3 * 60),
            state: 'stale',
          }),
          source('aws-cost', ['cloud-cost'], { lastSuccessAt: minutesAgo(2) }),
          source('github-security', security, {
            state: 'stale',
            staleAfterSeconds: 2 * 86400,
          }),
        ]}
      />,
    );
    expect(freshnessOf('Incident rate')).toEqual({
      text: 'Stale: pagerduty last updated 3 h ago (expected within 1 h).',
      state: 'stale',
    });
    expect(freshnessOf('Security issues').text).toBe(
      'Stale: github-security has not reported yet (expected within 2 days).',
    );
    expect(freshnessOf('Cloud cost').state).toBe('fresh');
    expect(
      within(screen.getByRole('region', { name: 'Incident rate' })).getByText(
        '0.5 / week',
      ),
    ).toBeInTheDocument();
  });

  it('says which source failed and why, and that the number is its last good data', async () => {
    await renderInTestApp(
      <KpiTiles
        trend={trend}
        sources={[
          source('github-security', security, {
            lastSuccessAt: minutesAgo(2 * 24 * 60 + 5),
            lastErrorAt: minutesAgo(1),
            lastError: 'GitHub answered 503',
            state: 'failed',
          }),
          source('pagerduty', ['incidents'], {
            lastErrorAt: minutesAgo(1),
            lastError: 'PagerDuty token refused',
            state: 'failed',
          }),
          // A stale source on the same tile does not hide the failure.
          source('demo', security, {
            kind: 'file',
            lastSuccessAt: minutesAgo(600),
            state: 'stale',
          }),
        ]}
      />,
    );
    expect(freshnessOf('Security issues')).toEqual({
      text: 'Source failed: github-security (GitHub answered 503). Showing its last good data, from 2 days ago.',
      state: 'failed',
    });
    expect(freshnessOf('Incident rate').text).toBe(
      'Source failed: pagerduty (PagerDuty token refused). It has not delivered data yet.',
    );
    // The last good numbers stay on the tile.
    expect(
      within(screen.getByRole('region', { name: 'Security issues' })).getByText(
        '10 open',
      ),
    ).toBeInTheDocument();
  });
});
