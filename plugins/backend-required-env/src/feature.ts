import {
  coreServices,
  createBackendFeatureLoader,
} from '@backstage/backend-plugin-api';
import { missingEnvironment, missingEnvironmentError } from './check';

/**
 * Checks `backend.requiredEnvironment` against the process environment. A feature loader runs when the backend
 * starts, before any plugin initializes (no database connection, no migrations, no scheduled task), so a missing
 * variable stops the start with an error naming it. Without the key (development) it checks nothing.
 *
 * @public
 */
export const requiredEnvironmentCheck = createBackendFeatureLoader({
  deps: { config: coreServices.rootConfig },
  async loader({ config }) {
    const required =
      config.getOptionalStringArray('backend.requiredEnvironment') ?? [];
    const missing = missingEnvironment(required, process.env);
    if (missing.length > 0) throw missingEnvironmentError(missing);
    return [];
  },
});
