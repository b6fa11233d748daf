import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { manageKpiProvidersExtensionPoint } from '@internal/plugin-manage-node';
import { PagerDutyKpiProvider } from './PagerDutyKpiProvider';

const CONFIG_KEY = 'manage.providers.pagerduty';

/**
 * Adds the PagerDuty provider (KPIs `incidents` and `incident-repair-minutes`) to the manage plugin, when
 * `manage.providers.pagerduty` is configured.
 *
 * @public
 */
export const manageModulePagerDuty = createBackendModule({
  pluginId: 'manage',
  moduleId: 'pagerduty',
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
            `${CONFIG_KEY} is not configured: no incidents are read from PagerDuty`,
          );
          return;
        }
        const months = conf.getOptionalNumber('months') ?? 3;
        if (!Number.isInteger(months) || months < 1 || months > 6) {
          // PagerDuty's GET /incidents refuses a since/until range over 6 months.
          throw new InputError(
            `${CONFIG_KEY}.months must be a whole number from 1 to 6, got ${months}`,
          );
        }
        providers.addProvider(
          new PagerDutyKpiProvider(
            {
              token: conf.getString('token'),
              baseUrl: (
                conf.getOptionalString('baseUrl') ?? 'https://api.pagerduty.com'
              ).replace(/\/+$/, ''),
              months,
              maxRetries: 3,
              schedule: readSchedulerServiceTaskScheduleDefinitionFromConfig(
                conf.getConfig('schedule'),
              ),
            },
            catalog,
            auth,
            logger,
          ),
        );
      },
    });
  },
});
