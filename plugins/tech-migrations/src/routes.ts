import {
  createExternalRouteRef,
  createRouteRef,
  createSubRouteRef,
} from '@backstage/core-plugin-api';

export const rootRouteRef = createRouteRef({ id: 'tech-migrations' });

export const migrationRouteRef = createSubRouteRef({
  id: 'tech-migrations/migration',
  parent: rootRouteRef,
  path: '/:migrationId',
});

/**
 * A template's page in the scaffolder (the app binds it to `scaffolderPlugin.routes.selectedTemplate`). Optional:
 * without the binding no "Fix with template" is offered.
 */
export const fixTemplateRouteRef = createExternalRouteRef({
  id: 'tech-migrations/fix-template',
  params: ['namespace', 'templateName'],
  optional: true,
});
