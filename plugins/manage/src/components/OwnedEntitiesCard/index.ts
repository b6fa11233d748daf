export { OwnedEntitiesCard } from './OwnedEntitiesCard';
