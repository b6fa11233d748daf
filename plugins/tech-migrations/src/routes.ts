import { createRouteRef, createSubRouteRef } from '@backstage/core-plugin-api';

export const rootRouteRef = createRouteRef({ id: 'tech-migrations' });

export const migrationRouteRef = createSubRouteRef({
  id: 'tech-migrations/migration',
  parent: rootRouteRef,
  path: '/:migrationId',
});
