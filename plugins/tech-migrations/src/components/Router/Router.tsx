import { Route, Routes } from 'react-router-dom';
import { MigrationPage } from '../MigrationPage';
import { MigrationsIndexPage } from '../MigrationsIndexPage';

export function Router() {
  return (
    <Routes>
      <Route path="/" element={<MigrationsIndexPage />} />
      <Route path="/:migrationId" element={<MigrationPage />} />
    </Routes>
  );
}
