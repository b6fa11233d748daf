import { Entity } from '@backstage/catalog-model';

/**
 * Annotations the cards read; CI jobs (Lighthouse, release pipelines) keep them current in catalog-info.yaml.
 *
 * @public
 */
export const WEB_VITALS_ANNOTATIONS = {
  performance: 'example.com/lighthouse-performance',
  accessibility: 'example.com/lighthouse-accessibility',
  bestPractices: 'example.com/lighthouse-best-practices',
  seo: 'example.com/lighthouse-seo',
} as const;

/** @public */
export const LIBRARY_FACT_ANNOTATIONS = {
  language: 'example.com/language',
  latestVersion: 'example.com/latest-version',
  nodeVersion: 'example.com/node-version',
  pythonVersion: 'example.com/python-version',
} as const;

/** @public */
export const isWebVitalsAvailable = (entity: Entity) =>
  Object.values(WEB_VITALS_ANNOTATIONS).some(a =>
    Boolean(entity.metadata.annotations?.[a]),
  );

/** @public */
export const isLibraryFactsAvailable = (entity: Entity) =>
  Object.values(LIBRARY_FACT_ANNOTATIONS).some(a =>
    Boolean(entity.metadata.annotations?.[a]),
  );
