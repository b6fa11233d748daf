import { Entity } from '@backstage/catalog-model';
import { identityApiRef } from '@backstage/core-plugin-api';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { TeamSummary } from '@internal/plugin-manage-common';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ManageApi, manageApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { ManagePage } from './ManagePage';
import { Route, Routes } from 'react-router-dom';

function group(name: string, type: string, members: string[] = []): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type, profile: { displayName: `${name} team` }, children: [] },
    relations: members.map(m => ({ type: 'hasMember', targetRef: m })),
  };
}

const me = 'user:default/guest';
const entities = [
  group('checkout', 'squad', [me]),
  group('fraud', 'squad', [me]),
  group('payments', 'tribe'),
  group('search', 'squad'),
];

function summaryOf(ref: string): TeamSummary {
  const name = ref.split('/')[1];
  return {
    team: {
      ref,
      title: `${name} team`,
      type: name === 'payments' ? 'tribe' : 'squad',
      parentRef: name === 'payments' ? undefined : 'group:default/payments',
    },
    subTeams:
      name === 'payments'
        ? [
            {
              ref: 'group:default/checkout',
              title: 'checkout team',
              ownedCount: 2,
              cloudCost: 300,
            },
          ]
        : [],
    owned: {
      total: 1,
      byKind: [{ kind: 'Component', type: 'service', count: 1 }],
      entities: [
        {
          ref: `component:default/${name}-service`,
          kind: 'Component',
          type: 'service',
          lifecycle: 'production',
          ownerRef: ref,
          latest: { cloudCost: 123 },
        },
      ],
      truncated: false,
    },
    trend: [
      {
        period: '2026-11',
        cloudCost: 123,
        incidents: 0,
        incidentRepairMinutes: 0,
        securityIssues: { critical: 0, high: 0, medium: 0, low: 0 },
      },
    ],
    sources: [],
  };
}

function renderPage(
  manageApi: ManageApi,
  options: { path?: string; user?: string } = {},
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [manageApiRef, manageApi],
        [catalogApiRef, new InMemoryCatalogClient({ entities })],
        [
          identityApiRef,
          mockApis.identity({ userEntityRef: options.user ?? me }),
        ],
      ]}
    >
      {/* Mounted as the app mounts it, so its nested routes resolve below /manage. */}
      <Routes>
        <Route
          path="/manage/*"
          element={
            <ManagePage
              teamCards={[({ groupRef }) => <p>slot for {groupRef}</p>]}
            />
          }
        />
      </Routes>
    </TestApiProvider>,
    {
      routeEntries: [options.path ?? '/manage'],
      mountedRoutes: {
        '/manage': rootRouteRef,
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    },
  );
}

describe('ManagePage', () => {
  const summaries: ManageApi = {
    getTeamSummary: jest.fn(async (ref: string) => summaryOf(ref)),
  };

  it('opens on my first team, with my teams as tabs, its KPIs, what it owns and the slot cards', async () => {
    await renderPage(summaries);
    expect(
      await screen.findByRole('heading', { name: 'checkout team' }),
    ).toBeInTheDocument();
    const tabs = screen.getAllByRole('tab');
    expect(tabs.map(t => t.textContent)).toEqual([
      'checkout team',
      'fraud team',
    ]);
    expect(tabs[0]).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByText('What checkout team owns (1)')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'checkout-service' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('slot for group:default/checkout'),
    ).toBeInTheDocument();
  });

  it('switches team with the tabs and goes up to the tribe', async () => {
    await renderPage(summaries);
    await userEvent.click(
      await screen.findByRole('tab', { name: 'fraud team' }),
    );
    expect(
      await screen.findByRole('heading', { name: 'fraud team' }),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('link', { name: 'Parent team' }));
    expect(
      await screen.findByRole('heading', { name: 'payments team' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Sub-teams' })).toHaveTextContent(
      'checkout team',
    );
    // Not one of my teams: no tab selected.
    expect(
      screen
        .getAllByRole('tab')
        .every(t => t.getAttribute('aria-selected') === 'false'),
    ).toBe(true);
  });

  it('looks up any team by name', async () => {
    await renderPage(summaries);
    await screen.findByRole('heading', { name: 'checkout team' });
    await userEvent.type(screen.getByLabelText('Look up a team'), 'sea');
    await userEvent.click(await screen.findByText('search team (squad)'));
    expect(
      await screen.findByRole('heading', { name: 'search team' }),
    ).toBeInTheDocument();
  });

  it('deep-links to a team', async () => {
    await renderPage(summaries, { path: '/manage/group/default/search' });
    expect(
      await screen.findByRole('heading', { name: 'search team' }),
    ).toBeInTheDocument();
  });

  it('tells a user without a team how to get one', async () => {
    await renderPage(summaries, { user: 'user:default/loner' });
    expect(
      await screen.findByText('You are not on a team yet'),
    ).toBeInTheDocument();
  });

  it('shows the backend error', async () => {
    const failing: ManageApi = {
      getTeamSummary: async () => {
        throw await ResponseError.fromResponse(
          new Response(
            JSON.stringify({
              error: {
                name: 'NotFoundError',
                message: 'No team group:default/checkout in the catalog',
              },
            }),
            {
              status: 404,
              statusText: 'Not Found',
              headers: { 'Content-Type': 'application/json' },
            },
          ) as any,
        );
      },
    };
    await renderPage(failing);
    await waitFor(() =>
      expect(
        screen.getAllByText(/No team group:default\/checkout in the catalog/)
          .length,
      ).toBeGreaterThan(0),
    );
  });
});
