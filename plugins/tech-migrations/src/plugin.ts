import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { techMigrationsApiRef, TechMigrationsClient } from './api';
import { fixTemplateRouteRef, rootRouteRef } from './routes';

/** @public */
export const techMigrationsPlugin = createPlugin({
  id: 'tech-migrations',
  apis: [
    createApiFactory({
      api: techMigrationsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new TechMigrationsClient(deps),
    }),
  ],
  routes: { root: rootRouteRef },
  externalRoutes: { fixTemplate: fixTemplateRouteRef },
});

/**
 * The migrations index (`/`) and a migration's page (`/:migrationId`).
 *
 * @public
 */
export const TechMigrationsPage: () => JSX.Element =
  techMigrationsPlugin.provide(
    createRoutableExtension({
      name: 'TechMigrationsPage',
      component: () => import('./components/Router').then(m => m.Router),
      mountPoint: rootRouteRef,
    }),
  );

/**
 * Entity page card: the migrations the entity is in scope of and its status in each. Uses `useEntity`.
 *
 * @public
 */
export const EntityMigrationsCard: () => JSX.Element =
  techMigrationsPlugin.provide(
    createComponentExtension({
      name: 'EntityMigrationsCard',
      component: {
        lazy: () =>
          import('./components/EntityMigrationsCard').then(
            m => m.EntityMigrationsCard,
          ),
      },
    }),
  );

/**
 * A team's open migration items (its own, or a tribe's with its squads'), for the manage page.
 * `groupRef` e.g. 'group:default/checkout-squad'.
 *
 * @public
 */
export const TeamMigrationItemsCard: (props: {
  groupRef: string;
}) => JSX.Element | null = techMigrationsPlugin.provide(
  createComponentExtension({
    name: 'TeamMigrationItemsCard',
    component: {
      lazy: () =>
        import('./components/TeamMigrationItemsCard').then(
          m => m.TeamMigrationItemsCard,
        ),
    },
  }),
);
