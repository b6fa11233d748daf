export { EntityProvidedApiDefinitions } from './EntityProvidedApiDefinitions';
