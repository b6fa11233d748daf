import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { PgSearchEngine } from '@backstage/plugin-search-backend-module-pg';
import { LunrSearchEngine } from '@backstage/plugin-search-backend-node';
import { searchEngineRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { IndexStatusSearchEngine } from './IndexStatusSearchEngine';

/**
 * The search engine, in place of `@backstage/plugin-search-backend-module-pg`: PostgreSQL's when the database is
 * PostgreSQL (the index persists and is shared by every replica), otherwise Lunr in this process's memory (SQLite
 * in development: the index is rebuilt at every start, see the collators' `scope: local` in app-config.yaml). Either
 * way wrapped in IndexStatusSearchEngine: a missing index answers an empty result with a notice.
 *
 * @public
 */
export const searchModuleIndexStatus = createBackendModule({
  pluginId: 'search',
  moduleId: 'index-status',
  register(reg) {
    reg.registerInit({
      deps: {
        registry: searchEngineRegistryExtensionPoint,
        database: coreServices.database,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ registry, database, config, logger }) {
        const persistent = await PgSearchEngine.supported(database);
        const engine = persistent
          ? await PgSearchEngine.fromConfig(config, { database, logger })
          : new LunrSearchEngine({ logger });
        logger.info(
          persistent
            ? 'Search index in PostgreSQL (kept across restarts, shared by replicas)'
            : 'Search index in memory (Lunr): rebuilt by the collators at every start',
        );
        registry.setSearchEngine(new IndexStatusSearchEngine(engine));
      },
    });
  },
});
