export { MigrationsIndexPage } from './MigrationsIndexPage';
