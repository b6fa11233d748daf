// Two replicas of the built backend for the rolling-restart test, as production runs them: the bundle unpacked as in
// the image, app-config.yaml + app-config.production.yaml + a test layer, NODE_ENV=production with the environment
// the production config requires, one throwaway PostgreSQL database (a schema per plugin) shared by both.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  onExit,
  productionEnv,
  startBackend,
  throwawayDatabase,
  unpackBundle,
} from './backend.mjs';

/**
 * Prepares the bundle, the database and the config layer for replicas on `ports` ({ A: port, B: port });
 * `start(name)` starts (or restarts) one, `cleanup()` stops them and removes everything.
 * `backendLayer` is merged into the test layer's `backend` key (e.g. to switch the drain off).
 */
export async function rollingCluster({ ports, token, backendLayer = {} }) {
  const bundle = unpackBundle();
  const removeBundle = onExit(bundle.remove); // also when interrupted
  const database = await throwawayDatabase('backstage_rolling');
  const db = database.name;

  // The production CI token's scope plus search: the load reads the catalog and queries search with it (production
  // has no guest, and a user token would need the GitHub sign-in). externalAccess is an array, which a config layer
  // replaces whole, hence the production entry is copied.
  const production = YAML.parse(
    readFileSync(path.join(bundle.dir, 'app-config.production.yaml'), 'utf8'),
  );
  const ci = production.backend.auth.externalAccess.find(
    a => a.options?.subject === 'ci',
  );
  const layer = path.join(bundle.dir, 'app-config.rolling.yaml');
  writeFileSync(
    layer,
    YAML.stringify({
      backend: {
        listen: ':${ROLLING_PORT}',
        database: {
          pluginDivisionMode: 'schema',
          connection: { database: db },
          // Small pools, idle connections returned soon: two replicas of ~20 plugins on a PostgreSQL shared by every
          // test (max 100 connections; "sorry, too many clients already" fails a plugin's start-up).
          knexConfig: { pool: { min: 0, max: 3, idleTimeoutMillis: 5_000 } },
        },
        auth: {
          externalAccess: [
            {
              ...ci,
              accessRestrictions: [
                ...ci.accessRestrictions,
                { plugin: 'search' },
              ],
            },
          ],
        },
        ...backendLayer,
      },
      // The catalog's search documents within seconds of the first start instead of the collator's default
      // schedule (every 10 minutes); collations then also run during the restarts. ISO durations: an object would
      // merge with another layer's.
      search: {
        collators: {
          catalog: {
            schedule: {
              frequency: 'PT10S',
              timeout: 'PT1M',
              initialDelay: 'PT2S',
            },
          },
        },
      },
    }),
  );

  const replicas = {};
  const runs = []; // every process started, for logs
  const base = name => `http://localhost:${ports[name]}`;
  return {
    db,
    base,
    replicas,
    runs,
    start(name) {
      const run = startBackend({
        bundleDir: bundle.dir,
        name: `replica ${name}`,
        cwd: bundle.dir,
        configs: [
          'app-config.yaml',
          'app-config.production.yaml',
          'app-config.rolling.yaml',
        ],
        env: productionEnv({
          base: base(name),
          ciToken: token,
          ROLLING_PORT: String(ports[name]),
        }),
      });
      replicas[name] = run;
      runs.push({ name, run });
      return run;
    },
    async cleanup() {
      await Promise.all(Object.values(replicas).map(r => r.stop()));
      await database.drop();
      bundle.remove();
      removeBundle();
    },
  };
}

/** The `message` of each JSON log line of a production backend. */
export function messages(log) {
  return log.flatMap(line => {
    try {
      const { message } = JSON.parse(line);
      return typeof message === 'string' ? [message] : [];
    } catch {
      return [];
    }
  });
}
