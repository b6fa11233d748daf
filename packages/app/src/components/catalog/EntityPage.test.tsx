import { Entity } from '@backstage/catalog-model';
import {
  catalogApiRef,
  entityPresentationApiRef,
  entityRouteRef,
  EntityProvider,
  starredEntitiesApiRef,
  MockStarredEntitiesApi,
} from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import {
  catalogPlugin,
  DefaultEntityPresentationApi,
} from '@backstage/plugin-catalog';
import { catalogGraphPlugin } from '@backstage/plugin-catalog-graph';
import { discoveryApiRef } from '@backstage/core-plugin-api';
import {
  ScmIntegrationsApi,
  scmIntegrationsApiRef,
} from '@backstage/integration-react';
import { techMigrationsApiRef } from '@internal/plugin-tech-migrations';
import { entityPage } from './EntityPage';

const component = (
  name: string,
  type: string,
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: {
    type,
    lifecycle: 'production',
    owner: 'group:default/checkout-squad',
  },
});

// Just enough of the catalog for the overview cards: the entity itself, and no related entities.
const catalogApiFor = (entity: Entity) =>
  ({
    getEntityByRef: async () => entity,
    getEntities: async () => ({ items: [] }),
    getEntitiesByRefs: async () => ({ items: [] }),
    queryEntities: async () => ({ items: [], totalItems: 0, pageInfo: {} }),
    getEntityFacets: async () => ({ facets: {} }),
    getEntityAncestors: async () => ({ rootEntityRef: '', items: [] }),
  } as any);

async function tabsOf(entity: Entity) {
  const catalogApi = catalogApiFor(entity);
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [catalogApiRef, catalogApi],
        [
          entityPresentationApiRef,
          DefaultEntityPresentationApi.create({ catalogApi }),
        ],
        [starredEntitiesApiRef, new MockStarredEntitiesApi()],
        [permissionApiRef, mockApis.permission()],
        [discoveryApiRef, mockApis.discovery()],
        // The tech-migrations card on the overviews: no migrations for this entity.
        [techMigrationsApiRef, { getEntityItems: async () => [] } as any],
        [
          scmIntegrationsApiRef,
          ScmIntegrationsApi.fromConfig(mockApis.config()),
        ],
      ]}
    >
      <EntityProvider entity={entity}>{entityPage}</EntityProvider>
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/catalog': catalogPlugin.routes.catalogIndex,
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/catalog-graph': catalogGraphPlugin.routes.catalogGraph,
      },
    },
  );
  return (await screen.findAllByRole('tab')).map(tab =>
    tab.textContent?.toLowerCase(),
  );
}

describe('entity pages per type', () => {
  it('a service has API, Kubernetes and dependencies tabs', async () => {
    const tabs = await tabsOf(
      component('checkout-service', 'service', {
        'backstage.io/kubernetes-id': 'checkout-service',
      }),
    );
    // Exactly these: no CI/CD tab (create-app's placeholder, removed: no CI plugin is installed).
    expect(tabs).toEqual([
      'overview',
      'kubernetes',
      'api',
      'dependencies',
      'docs',
    ]);
  });

  it('a service without the Kubernetes annotation still has the tab (it explains the annotation)', async () => {
    expect(await tabsOf(component('inventory-service', 'service'))).toContain(
      'kubernetes',
    );
  });

  it('a website has no API tab, and Kubernetes only where annotated', async () => {
    const annotated = await tabsOf(
      component('storefront-web', 'website', {
        'backstage.io/kubernetes-id': 'storefront-web',
      }),
    );
    expect(annotated).toEqual([
      'overview',
      'kubernetes',
      'dependencies',
      'docs',
    ]);
  });

  it('a website without the annotation has no Kubernetes tab', async () => {
    expect(await tabsOf(component('portal-web', 'website'))).not.toContain(
      'kubernetes',
    );
  });

  it('a library has dependents, and neither API nor Kubernetes', async () => {
    const tabs = await tabsOf(
      component('ui-kit', 'library', {
        'backstage.io/kubernetes-id': 'ui-kit',
      }),
    );
    expect(tabs).toEqual(expect.arrayContaining(['overview', 'dependents']));
    expect(tabs).not.toContain('api');
    expect(tabs).not.toContain('kubernetes');
  });
});
