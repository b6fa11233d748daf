export {
  techMigrationsApiRef,
  TechMigrationsClient,
} from './TechMigrationsApi';
export type { TechMigrationsApi } from './TechMigrationsApi';
