import { coreServices } from '@backstage/backend-plugin-api';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { createKpiProviderModule } from '@internal/plugin-manage-node';
import { GithubSecurityKpiProvider } from './GithubSecurityKpiProvider';

/**
 * Adds the GitHub security provider (KPIs `security-issues-<severity>`) to the manage plugin, when
 * `manage.providers.githubSecurity` is configured. Credentials come from `integrations.github`.
 *
 * @public
 */
export const manageModuleGithubSecurity = createKpiProviderModule({
  moduleId: 'github-security',
  configKey: 'manage.providers.githubSecurity',
  unconfiguredMessage: 'no security alerts are read from GitHub',
  deps: { auth: coreServices.auth, catalog: catalogServiceRef },
  createProvider({ config, schedule, rootConfig, logger, deps }) {
    const integrations = ScmIntegrations.fromConfig(rootConfig);
    return new GithubSecurityKpiProvider(
      schedule,
      config.getOptionalString('host') ?? 'github.com',
      integrations,
      DefaultGithubCredentialsProvider.fromIntegrations(integrations),
      deps.catalog,
      deps.auth,
      logger,
    );
  },
});
