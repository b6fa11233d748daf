import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { MigrationSummary } from '@internal/plugin-tech-migrations-common';
import { screen } from '@testing-library/react';
import { TechMigrationsApi, techMigrationsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { MigrationsIndexPage } from './MigrationsIndexPage';

const summary = (over: Partial<MigrationSummary>): MigrationSummary => ({
  id: 'python-3',
  title: 'Python 3',
  owner: 'group:default/platform-tribe',
  startDate: '2026-03-01',
  targetDate: '2026-10-31',
  done: 2,
  remaining: 1,
  exempt: 1,
  total: 4,
  percent: 66.7,
  daysToTarget: -23,
  health: 'overdue',
  checkDescription: "metadata.annotations['example.com/python-version'] ≥ 3",
  ...over,
});

function renderWith(api: Partial<TechMigrationsApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[techMigrationsApiRef, api]]}>
      <MigrationsIndexPage />
    </TestApiProvider>,
    { mountedRoutes: { '/tech-migrations': rootRouteRef } },
  );
}

describe('MigrationsIndexPage', () => {
  it('shows each migration with %, counts, days to target and status, and definition errors', async () => {
    await renderWith({
      listMigrations: async () => ({
        migrations: [
          summary({}),
          summary({
            id: 'node-22',
            title: 'Node 22',
            percent: 25,
            done: 2,
            remaining: 6,
            exempt: 0,
            daysToTarget: 219,
            health: 'atRisk',
          }),
        ],
        errors: [
          {
            file: 'bad.yaml',
            message: "bad.yaml: scope: Unrecognized key(s) in object: 'x'",
          },
        ],
      }),
    });
    expect(await screen.findByTestId('percent-python-3')).toHaveTextContent(
      '67%',
    );
    expect(screen.getByTestId('percent-node-22')).toHaveTextContent('25%');
    expect(screen.getByTestId('health-python-3')).toHaveTextContent('overdue');
    expect(screen.getByTestId('health-node-22')).toHaveTextContent('at risk');
    expect(screen.getByText('23 days past target')).toBeInTheDocument();
    expect(screen.getByText('219 days to target')).toBeInTheDocument();
    expect(screen.getByTestId('migration-link-node-22')).toHaveAttribute(
      'href',
      '/tech-migrations/node-22',
    );
    expect(
      screen.getByText(/bad\.yaml: scope: Unrecognized key/),
    ).toBeInTheDocument();
  });

  it('shows an empty state when there is nothing at all', async () => {
    await renderWith({
      listMigrations: async () => ({ migrations: [], errors: [] }),
    });
    expect(await screen.findByText('No migrations yet')).toBeInTheDocument();
  });

  it('shows definition errors, not the empty state, when no definition loaded', async () => {
    await renderWith({
      listMigrations: async () => ({
        migrations: [],
        errors: [
          {
            file: 'java-21.yaml',
            message: 'java-21.yaml: targetDate: expected YYYY-MM-DD',
          },
        ],
      }),
    });
    expect(
      await screen.findByText(
        'Error: 1 migration definition(s) could not be loaded',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('java-21.yaml: targetDate: expected YYYY-MM-DD'),
    ).toBeInTheDocument();
    expect(screen.queryByText('No migrations yet')).not.toBeInTheDocument();
  });

  it('shows the error when the API fails', async () => {
    await renderWith({
      listMigrations: async () => {
        throw new Error('backend down');
      },
    });
    // The error panel's title names the failure; the page shows neither a table nor the empty state.
    expect(
      await screen.findByRole('heading', { name: 'Error: backend down' }),
    ).toBeInTheDocument();
    expect(screen.queryByText('Migrations')).not.toBeInTheDocument();
    expect(screen.queryByText('No migrations yet')).not.toBeInTheDocument();
  });
});
