import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { manageKpiProvidersExtensionPoint } from '@internal/plugin-manage-node';
import { GithubSecurityKpiProvider } from './GithubSecurityKpiProvider';

const CONFIG_KEY = 'manage.providers.githubSecurity';

/**
 * Adds the GitHub security provider (KPIs `security-issues-<severity>`) to the manage plugin, when
 * `manage.providers.githubSecurity` is configured. Credentials come from `integrations.github`.
 *
 * @public
 */
export const manageModuleGithubSecurity = createBackendModule({
  pluginId: 'manage',
  moduleId: 'github-security',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        providers: manageKpiProvidersExtensionPoint,
      },
      async init({ config, logger, auth, catalog, providers }) {
        const conf = config.getOptionalConfig(CONFIG_KEY);
        if (!conf) {
          logger.info(
            `${CONFIG_KEY} is not configured: no security alerts are read from GitHub`,
          );
          return;
        }
        const integrations = ScmIntegrations.fromConfig(config);
        providers.addProvider(
          new GithubSecurityKpiProvider(
            readSchedulerServiceTaskScheduleDefinitionFromConfig(
              conf.getConfig('schedule'),
            ),
            conf.getOptionalString('host') ?? 'github.com',
            integrations,
            DefaultGithubCredentialsProvider.fromIntegrations(integrations),
            catalog,
            auth,
            logger,
          ),
        );
      },
    });
  },
});
