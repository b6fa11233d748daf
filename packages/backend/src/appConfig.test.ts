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
});
