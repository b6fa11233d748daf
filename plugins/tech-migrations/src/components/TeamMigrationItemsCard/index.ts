export { TeamMigrationItemsCard } from './TeamMigrationItemsCard';
