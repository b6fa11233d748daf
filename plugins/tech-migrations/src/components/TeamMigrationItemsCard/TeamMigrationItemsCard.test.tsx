import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { openNode22Item } from '../../__fixtures__/items';
import { TechMigrationsApi, techMigrationsApiRef } from '../../api';
import { TeamMigrationItemsCard } from './TeamMigrationItemsCard';

const mountedRoutes = { '/catalog/:namespace/:kind/:name': entityRouteRef };

describe('TeamMigrationItemsCard', () => {
  it("lists the team's open items with what is missing", async () => {
    const getTeamItems = jest.fn(async () => [
      openNode22Item(
        "metadata.annotations['example.com/node-version'] is 18 (needs ≥ 22)",
      ),
    ]);
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            techMigrationsApiRef,
            { getTeamItems } as Partial<TechMigrationsApi>,
          ],
        ]}
      >
        <TeamMigrationItemsCard groupRef="group:default/checkout-squad" />
      </TestApiProvider>,
      { mountedRoutes },
    );
    expect(
      await screen.findByText('Open migration items (1)'),
    ).toBeInTheDocument();
    expect(screen.getByText('Node 22')).toBeInTheDocument();
    expect(screen.getByText(/is 18 \(needs ≥ 22\)/)).toBeInTheDocument();
    expect(getTeamItems).toHaveBeenCalledWith('group:default/checkout-squad');
  });

  it('says when nothing is open', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[[techMigrationsApiRef, { getTeamItems: async () => [] }]]}
      >
        <TeamMigrationItemsCard groupRef="group:default/devex-squad" />
      </TestApiProvider>,
      { mountedRoutes },
    );
    expect(
      await screen.findByText(/No open migration items/),
    ).toBeInTheDocument();
  });
});
