import {
  createComponentExtension,
  createPlugin,
} from '@backstage/core-plugin-api';

/**
 * Entity page cards computed from catalog annotations only (no backend).
 *
 * @public
 */
export const entityCardsPlugin = createPlugin({ id: 'entity-cards' });

/** @public */
export const EntityWebVitalsCard = entityCardsPlugin.provide(
  createComponentExtension({
    name: 'EntityWebVitalsCard',
    component: {
      lazy: () =>
        import('./components/EntityWebVitalsCard').then(
          m => m.EntityWebVitalsCard,
        ),
    },
  }),
);

/** @public */
export const EntityLibraryFactsCard = entityCardsPlugin.provide(
  createComponentExtension({
    name: 'EntityLibraryFactsCard',
    component: {
      lazy: () =>
        import('./components/EntityLibraryFactsCard').then(
          m => m.EntityLibraryFactsCard,
        ),
    },
  }),
);

/** @public */
export const EntityProvidedApiDefinitions = entityCardsPlugin.provide(
  createComponentExtension({
    name: 'EntityProvidedApiDefinitions',
    component: {
      lazy: () =>
        import('./components/EntityProvidedApiDefinitions').then(
          m => m.EntityProvidedApiDefinitions,
        ),
    },
  }),
);
