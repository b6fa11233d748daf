export {
  entityCardsPlugin,
  EntityLibraryFactsCard,
  EntityProvidedApiDefinitions,
  EntityWebVitalsCard,
} from './plugin';
export {
  isLibraryFactsAvailable,
  isWebVitalsAvailable,
  LIBRARY_FACT_ANNOTATIONS,
  WEB_VITALS_ANNOTATIONS,
} from './annotations';
