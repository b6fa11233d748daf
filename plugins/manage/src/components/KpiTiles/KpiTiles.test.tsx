import { renderInTestApp } from '@backstage/test-utils';
import { KpiPeriodTotals } from '@internal/plugin-manage-common';
import { screen, within } from '@testing-library/react';
import { KpiTiles } from './KpiTiles';

function month(
  period: string,
  cloudCost: number,
  incidents: number,
  incidentRepairMinutes: number,
  critical = 0,
): KpiPeriodTotals {
  return {
    period,
    cloudCost,
    incidents,
    incidentRepairMinutes,
    securityIssues: { critical, high: 2, medium: 3, low: 4 },
  };
}

describe('KpiTiles', () => {
  it('shows the latest month with the change, the weekly incident rate and MTTR, and issues by severity', async () => {
    await renderInTestApp(
      <KpiTiles
        trend={[
          month('2026-09', 900, 1, 30),
          month('2026-10', 1000, 2, 100),
          // November has 30 days: 6 incidents are 1.4 a week; 285 minutes over 3 incidents is 1h 35m.
          month('2026-11', 1250, 6, 570, 1),
        ]}
      />,
    );
    const cost = screen.getByRole('region', { name: 'Cloud cost' });
    expect(within(cost).getByText('$1,250')).toBeInTheDocument();
    expect(within(cost).getByTestId('kpi-change')).toHaveTextContent(
      '+25.0% vs Oct 2026',
    );
    const incidents = screen.getByRole('region', { name: 'Incident rate' });
    expect(within(incidents).getByText('1.4 / week')).toBeInTheDocument();
    expect(within(incidents).getByTestId('kpi-mttr')).toHaveTextContent(
      'MTTR 1h 35m',
    );
    const security = screen.getByRole('region', { name: 'Security issues' });
    expect(within(security).getByText('10 open')).toBeInTheDocument();
    expect(within(security).getByText('critical 1')).toBeInTheDocument();
    expect(
      within(cost).getByRole('img', {
        name: 'Cloud cost per month over the last 3 months',
      }),
    ).toBeInTheDocument();
  });

  it('leaves out the change when there is no previous month', async () => {
    await renderInTestApp(<KpiTiles trend={[month('2026-11', 10, 0, 0)]} />);
    expect(screen.queryByTestId('kpi-change')).not.toBeInTheDocument();
    expect(screen.queryByTestId('kpi-mttr')).not.toBeInTheDocument();
    expect(screen.getByText('0.0 / week')).toBeInTheDocument();
  });

  it('explains how data arrives when the team has none', async () => {
    await renderInTestApp(<KpiTiles trend={[]} />);
    expect(
      screen.getByText('No KPI data for this team yet'),
    ).toBeInTheDocument();
  });
});
