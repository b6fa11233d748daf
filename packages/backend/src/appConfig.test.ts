import { ConfigReader } from '@backstage/config';
import { ConfigSources, loadConfigSchema } from '@backstage/config-loader';
import { AppConfig } from '@backstage/config';
import path from 'path';

// The three ways the portal is configured, as README.md documents them (later files win).
const root = path.resolve(__dirname, '../../..');
const environments = {
  development: ['app-config.yaml'],
  production: ['app-config.yaml', 'app-config.production.yaml'],
  staging: [
    'app-config.yaml',
    'app-config.production.yaml',
    'app-config.staging.yaml',
  ],
};

async function readConfigs(files: string[]): Promise<AppConfig[]> {
  const source = ConfigSources.defaultForTargets({
    rootDir: root,
    targets: files.map(f => ({
      type: 'path' as const,
      target: path.join(root, f),
    })),
    // Every ${VAR} resolves, as the ECS task definition provides them.
    substitutionFunc: async name => `env-${name}`,
  });
  for await (const { configs } of source.readConfigData()) {
    return configs;
  }
  throw new Error('no config read');
}

describe('app-config files', () => {
  let schema: Awaited<ReturnType<typeof loadConfigSchema>>;

  beforeAll(async () => {
    // The schemas of every package the backend (and, through it, the app) depends on.
    schema = await loadConfigSchema({ dependencies: ['backend'] });
  });

  it.each(Object.entries(environments))(
    '%s config is valid against the schemas of every installed plugin',
    async (_env, files) => {
      const configs = await readConfigs(files);
      expect(() =>
        schema.process(configs, {
          visibility: ['frontend', 'backend', 'secret'],
        }),
      ).not.toThrow();
    },
  );

  it.each(Object.entries(environments))(
    '%s: our permission policy decides, and no registered location may bring User or Group',
    async (_env, files) => {
      const config = ConfigReader.fromConfigs(await readConfigs(files));
      expect(config.getBoolean('permission.enabled')).toBe(true);
      const kinds = (rules: AppConfig['data'][] | undefined) =>
        (rules ?? []).flatMap(r => (r as { allow: string[] }).allow);
      expect(kinds(config.get('catalog.rules'))).toEqual([
        'Component',
        'System',
        'API',
        'Resource',
        'Location',
        'Domain',
      ]);
      // Only the org files themselves (development) allow the org kinds.
      const orgKindLocations = config
        .getConfigArray('catalog.locations')
        .filter(l =>
          kinds(l.getOptional('rules')).some(
            k => k === 'User' || k === 'Group',
          ),
        )
        .map(l => l.getString('target'));
      expect(
        orgKindLocations.filter(t => !/\/catalog\/org\/[a-z-]+\.yaml$/.test(t)),
      ).toEqual([]);
    },
  );

  it('development: the sample org has its own locations, and the guest is an admin', async () => {
    const config = ConfigReader.fromConfigs(
      await readConfigs(environments.development),
    );
    expect(
      config
        .getConfigArray('catalog.locations')
        .filter(l => l.getString('target').includes('/catalog/org/'))
        .map(l => [
          l.getString('target'),
          l.getConfigArray('rules').flatMap(r => r.getStringArray('allow')),
        ]),
    ).toEqual([
      ['../../catalog/org/tribes.yaml', ['Group']],
      ['../../catalog/org/squads.yaml', ['Group']],
      ['../../catalog/org/platform-admins.yaml', ['Group']],
      ['../../catalog/org/users.yaml', ['User']],
    ]);
    expect(config.getStringArray('permission.policy.adminUsers')).toEqual([
      'user:default/guest',
    ]);
  });

  it('development runs on an SQLite file with guest sign-in', async () => {
    const config = ConfigReader.fromConfigs(
      await readConfigs(environments.development),
    );
    expect(config.getString('backend.database.client')).toBe('better-sqlite3');
    expect(config.getString('backend.database.connection.directory')).toMatch(
      /sqlite$/,
    );
    expect(config.has('auth.providers.guest')).toBe(true);
  });

  it.each(['production', 'staging'] as const)(
    '%s runs on PostgreSQL from env, with GitHub sign-in and no guest',
    async env => {
      const config = ConfigReader.fromConfigs(
        await readConfigs(environments[env]),
      );
      expect(config.getString('backend.database.client')).toBe('pg');
      expect(config.getString('backend.database.connection.host')).toBe(
        'env-POSTGRES_HOST',
      );
      expect(config.has('auth.providers.guest')).toBe(false);
      expect(config.has(`auth.providers.github.${env}.clientSecret`)).toBe(
        true,
      );
      expect(config.getStringArray('app.signInProviders')).toEqual(['github']);
    },
  );

  // Production review (README, Operations): what the container runs with in staging and production.
  it.each(['production', 'staging'] as const)(
    '%s: sign-in, service auth, CI tokens, CSP/CORS, URL reading and shutdown are locked down',
    async env => {
      const config = ConfigReader.fromConfigs(
        await readConfigs(environments[env]),
      );
      // GitHub users sign in as the catalog user of the same name; nobody else.
      expect(
        config
          .getConfigArray(`auth.providers.github.${env}.signIn.resolvers`)
          .map(r => r.getString('resolver')),
      ).toEqual(['usernameMatchingUserEntityName']);
      expect(
        config.getOptionalBoolean(
          `auth.providers.github.${env}.signIn.dangerouslyAllowSignInWithoutUserInCatalog`,
        ),
      ).toBeUndefined();
      // Every plugin API requires user or service credentials.
      expect(
        config.getOptionalBoolean(
          'backend.auth.dangerouslyDisableDefaultAuthPolicy',
        ),
      ).not.toBe(true);
      // CI callers use static tokens from env, with a subject to audit.
      const access = config.getConfigArray('backend.auth.externalAccess');
      expect(access.map(a => a.getString('type'))).toEqual(['static']);
      expect(access[0].getString('options.token')).toBe('env-BACKEND_CI_TOKEN');
      expect(access[0].getString('options.subject')).toBe('ci');
      // ... scoped to the push APIs and catalog reads (ciToken.test.ts shows the refusals).
      expect(access[0].get('accessRestrictions')).toEqual([
        { plugin: 'manage' },
        { plugin: 'tech-migrations' },
        { plugin: 'catalog', permissionAttribute: { action: 'read' } },
      ]);
      // Admins are the members of the platform-admins team; no user is an admin on their own.
      expect(config.getStringArray('permission.policy.adminGroups')).toEqual([
        'group:default/platform-admins',
      ]);
      expect(config.getStringArray('permission.policy.adminUsers')).toEqual([]);
      // The sample org is not loaded: users and teams come from the GitHub org provider only.
      expect(
        config
          .getConfigArray('catalog.locations')
          .map(l => l.getString('target'))
          .filter(t => t.includes('/org/')),
      ).toEqual([]);
      // The app's origin only.
      expect(config.getString('backend.cors.origin')).toBe('env-APP_BASE_URL');
      expect(config.getBoolean('backend.cors.credentials')).toBe(true);
      expect(config.getStringArray('backend.csp.connect-src')).toEqual([
        "'self'",
      ]);
      expect(config.getStringArray('backend.csp.frame-ancestors')).toEqual([
        "'none'",
      ]);
      // No generic URL reading: GitHub goes through its integration.
      expect(config.get('backend.reading.allow')).toEqual([]);
      expect(
        config
          .getConfigArray('integrations.github')
          .map(i => [i.getString('host'), i.getString('token')]),
      ).toEqual([['github.com', 'env-GITHUB_TOKEN']]);
      // Shutdown fits in ECS's 30 s between SIGTERM and SIGKILL.
      const seconds = (key: string) =>
        Number(config.getString(key).replace(/s$/, ''));
      expect(
        seconds('backend.lifecycle.serverShutdownDelay') +
          seconds('backend.gracefulShutdown.drainTimeout'),
      ).toBeLessThan(seconds('backend.gracefulShutdown.exitTimeout'));
      expect(seconds('backend.gracefulShutdown.exitTimeout')).toBeLessThan(30);
      // The container's working directory is the app root, where the Dockerfile copies catalog/ and templates/.
      expect(
        config
          .getConfigArray('catalog.locations')
          .map(l => l.getString('target'))
          .every(t => t.startsWith('./')),
      ).toBe(true);
    },
  );

  // Docs are built in CI and published to S3 (README, TechDocs in production); the portal only reads the bucket.
  it.each(['production', 'staging'] as const)(
    '%s: TechDocs are built outside the portal and read from the S3 bucket named by env, with no keys in config',
    async env => {
      const config = ConfigReader.fromConfigs(
        await readConfigs(environments[env]),
      );
      expect(config.getString('techdocs.builder')).toBe('external');
      expect(config.getString('techdocs.publisher.type')).toBe('awsS3');
      expect(config.get('techdocs.publisher.awsS3')).toEqual({
        bucketName: 'env-TECHDOCS_S3_BUCKET',
        region: 'env-TECHDOCS_S3_REGION',
      });
      // Credentials come from the AWS SDK's default chain (the ECS task role), never from config.
      expect(config.has('techdocs.publisher.awsS3.credentials')).toBe(false);
      expect(config.has('techdocs.publisher.awsS3.accountId')).toBe(false);
      expect(config.has('aws')).toBe(false);
      expect(config.has('integrations.awsS3')).toBe(false);
    },
  );

  it('development: TechDocs build in the portal (no bucket, no external builder)', async () => {
    const config = ConfigReader.fromConfigs(
      await readConfigs(environments.development),
    );
    expect(config.getString('techdocs.builder')).toBe('local');
    expect(config.getString('techdocs.publisher.type')).toBe('local');
  });

  // Development's schedules and demo data must not leak into production (app-config.yaml is read first there).
  it.each(['production', 'staging'] as const)(
    '%s: no demo KPI file, and background work on production intervals',
    async env => {
      const config = ConfigReader.fromConfigs(
        await readConfigs(environments[env]),
      );
      const minutes = (key: string) => {
        const d = config.getConfig(key);
        return (
          (d.getOptionalNumber('hours') ?? 0) * 60 +
          (d.getOptionalNumber('minutes') ?? 0) +
          (d.getOptionalNumber('seconds') ?? 0) / 60
        );
      };
      expect(config.getConfigArray('manage.kpiSources')).toEqual([]);
      expect(minutes('manage.catalogSync.frequency')).toBeGreaterThanOrEqual(5);
      expect(
        minutes('techMigrations.schedule.frequency'),
      ).toBeGreaterThanOrEqual(10);
      // Paths resolve from the container's working directory (/app), not from packages/backend.
      expect(config.getString('techMigrations.definitions')).toBe(
        './catalog/migrations',
      );
    },
  );
});
