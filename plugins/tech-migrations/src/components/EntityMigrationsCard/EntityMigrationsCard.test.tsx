import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { openNode22Item } from '../../__fixtures__/items';
import { techMigrationsApiRef } from '../../api';
import { fixTemplateRouteRef, rootRouteRef } from '../../routes';
import { EntityMigrationsCard } from './EntityMigrationsCard';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'Cart-Service', namespace: 'default' },
  spec: { type: 'service', owner: 'checkout-squad', lifecycle: 'production' },
};

describe('EntityMigrationsCard', () => {
  it("shows the entity's status in each migration, linked to the migration", async () => {
    const getEntityItems = jest.fn(async () => [
      openNode22Item('node-version is 18'),
    ]);
    await renderInTestApp(
      <TestApiProvider apis={[[techMigrationsApiRef, { getEntityItems }]]}>
        <EntityProvider entity={entity}>
          <EntityMigrationsCard />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/tech-migrations': rootRouteRef } },
    );
    expect(
      await screen.findByTestId('entity-migration-status-node-22'),
    ).toHaveTextContent('remaining');
    expect(screen.getByRole('link', { name: 'Node 22' })).toHaveAttribute(
      'href',
      '/tech-migrations/node-22',
    );
    expect(
      screen.getByText(/node-version is 18 · target 2027-06-30/),
    ).toBeInTheDocument();
    expect(getEntityItems).toHaveBeenCalledWith(
      'component:default/cart-service',
    );
  });

  it("offers the migration's fix template for a remaining item, opening the template prefilled with the entity", async () => {
    const getEntityItems = jest.fn(async () => [
      {
        ...openNode22Item('node-version is 18'),
        fixTemplate: 'template:default/bump-node-version',
      },
      {
        ...openNode22Item(''),
        migrationId: 'python-3',
        migrationTitle: 'Python 3',
        status: 'done' as const,
        fixTemplate: 'template:default/upgrade-python',
      },
      {
        ...openNode22Item('uses the legacy backend'),
        migrationId: 'new-backend-system',
        migrationTitle: 'New backend system',
      },
    ]);
    await renderInTestApp(
      <TestApiProvider apis={[[techMigrationsApiRef, { getEntityItems }]]}>
        <EntityProvider entity={entity}>
          <EntityMigrationsCard />
        </EntityProvider>
      </TestApiProvider>,
      {
        mountedRoutes: {
          '/tech-migrations': rootRouteRef,
          '/create/templates/:namespace/:templateName': fixTemplateRouteRef,
        },
      },
    );
    const fix = await screen.findByRole('button', {
      name: 'Fix with template: cart-service',
    });
    const href = new URL(fix.getAttribute('href')!, 'http://app');
    expect(href.pathname).toBe('/create/templates/default/bump-node-version');
    expect(JSON.parse(href.searchParams.get('formData')!)).toEqual({
      entity: 'component:default/cart-service',
    });
    // Only remaining items of migrations that name a template offer it.
    expect(
      screen.getAllByRole('button', { name: /Fix with template/ }),
    ).toHaveLength(1);
  });
});
