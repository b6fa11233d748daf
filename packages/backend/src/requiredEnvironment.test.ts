import { ConfigReader } from '@backstage/config';
import { ConfigSources } from '@backstage/config-loader';
import { readFileSync } from 'fs';
import path from 'path';

/**
 * Keeps app-config.production.yaml's backend.requiredEnvironment (the fail-fast list, plugins/backend-required-env)
 * complete: Backstage drops a value whose ${VAR} is unset, and the key then falls back to app-config.yaml.
 */
const root = path.resolve(__dirname, '../../..');
const text = (file: string) => readFileSync(path.join(root, file), 'utf8');
// ${NAME} and ${NAME:-fallback}, not $${escaped}, outside YAML comments
const references = (file: string) =>
  [
    ...text(file)
      .replace(/(^|\s)#.*$/gm, '')
      .matchAll(/(?<!\$)\$\{\s*([A-Z0-9_]+)\s*(:-[^}]*)?\}/g),
  ].map(m => ({ name: m[1], fallback: m[2] !== undefined }));

// Development fallbacks production may keep: neither a secret nor an address production must be told.
const harmlessInProduction: Record<string, string> = {
  BACKSTAGE_DATA_DIR:
    'SQLite and local git folder; production uses PostgreSQL and no local git',
  LOCAL_GIT_TOKEN_SECRET: 'scaffolder.localGit is null in production',
  PAGERDUTY_API_URL: "defaults to PagerDuty's public API",
  K8S_CLUSTER_NAME: 'a display name',
};

async function requiredEnvironment(): Promise<string[]> {
  const source = ConfigSources.defaultForTargets({
    rootDir: root,
    targets: ['app-config.yaml', 'app-config.production.yaml'].map(f => ({
      type: 'path' as const,
      target: path.join(root, f),
    })),
    substitutionFunc: async name => `env-${name}`,
  });
  for await (const { configs } of source.readConfigData()) {
    return ConfigReader.fromConfigs(configs).getStringArray(
      'backend.requiredEnvironment',
    );
  }
  throw new Error('no config read');
}

describe('backend.requiredEnvironment (production fail-fast list)', () => {
  it('lists every variable app-config.production.yaml reads', async () => {
    const required = await requiredEnvironment();
    const read = references('app-config.production.yaml');
    expect(read.length).toBeGreaterThan(10);
    // Production never falls back silently.
    expect(read.filter(r => r.fallback)).toEqual([]);
    for (const { name } of read) expect(required).toContain(name);
  });

  it('lists every development fallback production inherits, unless it is harmless there', async () => {
    const required = await requiredEnvironment();
    const inherited = references('app-config.yaml').filter(r => r.fallback);
    expect(inherited.map(r => r.name)).toEqual(
      expect.arrayContaining(['K8S_SA_TOKEN', 'METRICS_API_URL']),
    );
    const mustBeRequired = inherited
      .map(r => r.name)
      .filter(name => !(name in harmlessInProduction));
    expect(required).toEqual(expect.arrayContaining(mustBeRequired));
  });

  // That ECS provides every one of them (environment or Secrets Manager) is asserted on the CDK stacks:
  // deploy/src/portalStack.test.ts.

  it('is empty in development', () => {
    expect(text('app-config.yaml')).not.toContain('requiredEnvironment');
  });
});
