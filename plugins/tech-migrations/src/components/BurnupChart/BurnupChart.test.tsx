import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { BurnupChart } from './BurnupChart';

describe('BurnupChart', () => {
  it('draws the daily history with the target date marked', async () => {
    const { container } = await renderInTestApp(
      <BurnupChart
        width={600}
        burnup={{
          startDate: '2026-09-01',
          targetDate: '2027-03-31',
          points: [
            { day: '2026-11-01', done: 1, remaining: 2, exempt: 0, total: 3 },
            { day: '2026-11-02', done: 2, remaining: 1, exempt: 1, total: 4 },
          ],
        }}
      />,
    );
    expect(screen.getByTestId('burnup-caption')).toHaveTextContent(
      '2 days of history; on 2026-11-02: 2 of 3 done (1 exempt), target 2027-03-31',
    );
    expect(container.querySelector('.recharts-reference-line')).not.toBeNull();
    expect(screen.getByText('Target 2027-03-31')).toBeInTheDocument();
    expect(container.querySelectorAll('.recharts-line').length).toBe(3);
  });

  it('says when there is no history yet', async () => {
    await renderInTestApp(
      <BurnupChart
        width={400}
        burnup={{
          startDate: '2026-01-01',
          targetDate: '2026-12-31',
          points: [],
        }}
      />,
    );
    expect(screen.getByTestId('burnup-caption')).toHaveTextContent(
      'No history yet',
    );
  });
});
