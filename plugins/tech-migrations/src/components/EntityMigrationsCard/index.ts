export { EntityMigrationsCard } from './EntityMigrationsCard';
