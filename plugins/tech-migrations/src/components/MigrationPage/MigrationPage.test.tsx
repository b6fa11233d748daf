import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  MigrationEntity,
  MigrationSummary,
} from '@internal/plugin-tech-migrations-common';
import { screen, within } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { TechMigrationsApi, techMigrationsApiRef } from '../../api';
import { fixTemplateRouteRef, rootRouteRef } from '../../routes';
import { MigrationPage } from './MigrationPage';

// recharts' responsive container needs a ResizeObserver, which jsdom lacks; the chart has its own test.
jest.mock('../BurnupChart', () => ({ BurnupChart: () => null }));

const node22: MigrationSummary = {
  id: 'node-22',
  title: 'Node 22',
  owner: 'group:default/devex-squad',
  startDate: '2026-06-01',
  targetDate: '2027-06-30',
  done: 2,
  remaining: 2,
  exempt: 0,
  total: 4,
  percent: 50,
  daysToTarget: 200,
  health: 'onTrack',
  checkDescription: 'facts.nodeVersion ≥ 22',
};

const remaining = (name: string, owner: string): MigrationEntity => ({
  migrationId: 'node-22',
  entityRef: `component:default/${name}`,
  ownerRef: `group:default/${owner}`,
  tribeRef: 'group:default/payments-tribe',
  status: 'remaining',
  detail: 'facts.nodeVersion is missing',
});

function renderPage(summary: MigrationSummary) {
  const api: Partial<TechMigrationsApi> = {
    getMigration: async () => summary,
    getLeaderboard: async () => ({ tribes: [] }),
    getBurnup: async () => ({
      startDate: summary.startDate,
      targetDate: summary.targetDate,
      points: [],
    }),
    getEntities: async () => [
      remaining('cart-service', 'checkout-squad'),
      remaining('payments-sdk-js', 'payments-core-squad'),
    ],
  };
  return renderInTestApp(
    <TestApiProvider apis={[[techMigrationsApiRef, api]]}>
      <Routes>
        <Route
          path="/tech-migrations/:migrationId"
          element={<MigrationPage />}
        />
      </Routes>
    </TestApiProvider>,
    {
      routeEntries: ['/tech-migrations/node-22'],
      mountedRoutes: {
        '/tech-migrations': rootRouteRef,
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/create/templates/:namespace/:templateName': fixTemplateRouteRef,
      },
    },
  );
}

describe('MigrationPage', () => {
  it('offers "Fix with template" on each remaining entity, prefilled for that entity', async () => {
    await renderPage({
      ...node22,
      fixTemplate: 'template:default/bump-node-version',
    });
    const row = (await screen.findByText('payments-sdk-js')).closest('tr')!;
    const fix = within(row).getByRole('button', {
      name: 'Fix with template: payments-sdk-js',
    });
    const href = new URL(fix.getAttribute('href')!, 'http://app');
    expect(href.pathname).toBe('/create/templates/default/bump-node-version');
    expect(JSON.parse(href.searchParams.get('formData')!)).toEqual({
      entity: 'component:default/payments-sdk-js',
    });
    expect(
      screen.getAllByRole('button', { name: /^Fix with template: / }),
    ).toHaveLength(2);
  });

  it('offers no fix when the migration names no template', async () => {
    await renderPage(node22);
    expect(await screen.findByText('payments-sdk-js')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Fix with template/ }),
    ).not.toBeInTheDocument();
  });
});
