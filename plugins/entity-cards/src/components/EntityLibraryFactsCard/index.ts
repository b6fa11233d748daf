export { EntityLibraryFactsCard } from './EntityLibraryFactsCard';
