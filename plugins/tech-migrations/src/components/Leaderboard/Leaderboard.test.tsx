import { renderInTestApp } from '@backstage/test-utils';
import { LeaderboardTribe } from '@internal/plugin-tech-migrations-common';
import { fireEvent, screen, within } from '@testing-library/react';
import { Leaderboard } from './Leaderboard';

const team = (name: string, rank: number, done: number, remaining: number) => ({
  teamRef: `group:default/${name}`,
  title: name,
  rank,
  done,
  remaining,
  exempt: 0,
  total: done + remaining,
  percent: (100 * done) / (done + remaining),
});

const tribes: LeaderboardTribe[] = [
  {
    ...team('platform-tribe', 1, 2, 0),
    squads: [team('devex-squad', 1, 2, 0)],
  },
  {
    ...team('payments-tribe', 2, 1, 3),
    squads: [
      team('payments-core-squad', 1, 1, 0),
      team('checkout-squad', 2, 0, 3),
    ],
  },
  {
    ...team('experience-tribe', 3, 0, 2),
    squads: [team('storefront-squad', 1, 0, 2)],
  },
];

describe('Leaderboard', () => {
  it('lists tribes in rank order and expands a tribe into its squads', async () => {
    await renderInTestApp(<Leaderboard tribes={tribes} />);
    const rows = screen.getAllByTestId(/^leaderboard-tribe-/);
    expect(rows.map(r => r.getAttribute('data-testid'))).toEqual([
      'leaderboard-tribe-platform-tribe',
      'leaderboard-tribe-payments-tribe',
      'leaderboard-tribe-experience-tribe',
    ]);
    expect(
      within(rows[1]).getByTestId('percent-payments-tribe'),
    ).toHaveTextContent('25%');
    expect(
      screen.queryByTestId('leaderboard-squad-checkout-squad'),
    ).not.toBeInTheDocument();

    fireEvent.click(
      screen.getByRole('button', { name: 'Expand payments-tribe' }),
    );
    const squads = screen.getAllByTestId(/^leaderboard-squad-/);
    expect(squads.map(r => r.getAttribute('data-testid'))).toEqual([
      'leaderboard-squad-payments-core-squad',
      'leaderboard-squad-checkout-squad',
    ]);
    // Squad rows sit right below their tribe, before the next tribe.
    const all = screen
      .getAllByTestId(/^leaderboard-(tribe|squad)-/)
      .map(r => r.getAttribute('data-testid'));
    expect(all.indexOf('leaderboard-squad-checkout-squad')).toBeLessThan(
      all.indexOf('leaderboard-tribe-experience-tribe'),
    );
    fireEvent.click(
      screen.getByRole('button', { name: 'Collapse payments-tribe' }),
    );
    expect(
      screen.queryByTestId('leaderboard-squad-checkout-squad'),
    ).not.toBeInTheDocument();
  });
});
