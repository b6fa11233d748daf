// The portal on one state that survives its process, for system-tests/restart.test.mjs: the built backend with the
// development config on a data folder (SQLite files, the search index in memory) or with the production config on a
// throwaway PostgreSQL database; `start()` can be called again after a stop, on the same state.
// The test's config layer adds a static token with no access restrictions (subject `restart-test`: a service
// principal, so the permission policy is not asked; the test registers, runs templates and pushes with it in both
// modes), reading from the test's own file server (the probe entity is registered as a URL there: upstream's
// catalog registers `url` locations only, and production reads no host but GitHub), the probe template of restart-probe-template.yaml and, in production, the sample org files (production
// reads its org from GitHub, unreachable here) so that the manage page has a team to show.
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import path from 'node:path';
import YAML from 'yaml';
import {
  freePort,
  onExit,
  productionEnv,
  startBackend,
  throwawayDatabase,
} from './backend.mjs';

/** `mode`: 'development' or 'production'; `bundle`: an unpacked bundle (unpackBundle()). */
export async function restartablePortal(mode, bundle) {
  const production = mode === 'production';
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const token = `restart-${process.pid}-${Date.now()}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), `restart-${mode}-`));
  const keepData = onExit(() =>
    rmSync(dataDir, { recursive: true, force: true }),
  );
  const db = production
    ? await throwawayDatabase('backstage_restart')
    : undefined;

  // The files the catalog reads by URL; served for as long as the portal lives, across its restarts.
  const files = new Map();
  const fileServer = http.createServer((req, res) => {
    const body = files.get(req.url);
    res.writeHead(body === undefined ? 404 : 200, {
      'content-type': 'text/yaml',
    });
    res.end(body ?? 'not found');
  });
  const filePort = await freePort();
  await new Promise(r => fileServer.listen(filePort, '127.0.0.1', r));

  const template = path.join(dataDir, 'restart-probe-template.yaml');
  cpSync(
    path.join(import.meta.dirname, 'restart-probe-template.yaml'),
    template,
  );
  // Arrays replace rather than merge across config files: the mode's own locations, then the test's.
  const modeConfig = YAML.parse(
    readFileSync(
      path.join(
        bundle.dir,
        production ? 'app-config.production.yaml' : 'app-config.yaml',
      ),
      'utf8',
    ),
  );
  const sampleOrg = production
    ? ['tribes', 'squads', 'platform-admins', 'users'].map(file => ({
        type: 'file',
        target: `./catalog/org/${file}.yaml`,
        rules: [{ allow: [file === 'users' ? 'User' : 'Group'] }],
      }))
    : [];
  const override = {
    backend: {
      baseUrl: base,
      listen: production ? `:${port}` : { port },
      reading: { allow: [{ host: `127.0.0.1:${filePort}` }] },
      auth: {
        externalAccess: [
          { type: 'static', options: { token, subject: 'restart-test' } },
        ],
      },
      ...(db && {
        database: {
          pluginDivisionMode: 'schema',
          connection: { database: db.name },
          // Small pools: the machine's PostgreSQL (100 connections) is shared with other test runs.
          knexConfig: { pool: { min: 0, max: 3 } },
        },
      }),
    },
    catalog: {
      locations: [
        ...modeConfig.catalog.locations,
        ...sampleOrg,
        { type: 'file', target: template, rules: [{ allow: ['Template'] }] },
      ],
    },
  };
  const overrideFile = path.join(dataDir, 'app-config.restart.yaml');
  writeFileSync(overrideFile, YAML.stringify(override));

  return {
    mode,
    base,
    dataDir,
    /** Starts the backend (again) on this portal's state; resolves once it is spawned, not ready. */
    start: name =>
      startBackend({
        bundleDir: bundle.dir,
        name,
        // The dev config's relative paths expect packages/backend (yarn start), production's the app root.
        cwd: production
          ? bundle.dir
          : path.join(bundle.dir, 'packages/backend'),
        configs: production
          ? ['app-config.yaml', 'app-config.production.yaml', overrideFile]
          : ['../../app-config.yaml', overrideFile],
        env: production
          ? productionEnv({ base, ciToken: `ci-${token}` })
          : { NODE_ENV: 'development', BACKSTAGE_DATA_DIR: dataDir },
      }),
    /** Serves `content` at a URL the backend may read (a catalog location); returns the URL. */
    publish(file, content) {
      files.set(`/${file}`, content);
      return `http://127.0.0.1:${filePort}/${file}`;
    },
    /** `api(method, url, body?)` with the test's token: { status, body } (body parsed when JSON). */
    async api(method, url, body) {
      const res = await fetch(base + url, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body && { 'content-type': 'application/json' }),
        },
        body: body && JSON.stringify(body),
      });
      const text = await res.text();
      let parsed = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: kept as text
      }
      return { status: res.status, body: parsed };
    },
    async cleanup() {
      fileServer.close();
      rmSync(dataDir, { recursive: true, force: true });
      keepData();
      await db?.drop();
    },
  };
}
