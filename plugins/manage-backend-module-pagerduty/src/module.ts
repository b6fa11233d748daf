import { coreServices } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { createKpiProviderModule } from '@internal/plugin-manage-node';
import { PagerDutyKpiProvider } from './PagerDutyKpiProvider';

const CONFIG_KEY = 'manage.providers.pagerduty';

/**
 * Adds the PagerDuty provider (KPIs `incidents` and `incident-repair-minutes`) to the manage plugin, when
 * `manage.providers.pagerduty` is configured.
 *
 * @public
 */
export const manageModulePagerDuty = createKpiProviderModule({
  moduleId: 'pagerduty',
  configKey: CONFIG_KEY,
  unconfiguredMessage: 'no incidents are read from PagerDuty',
  deps: { auth: coreServices.auth, catalog: catalogServiceRef },
  createProvider({ config, schedule, logger, deps: { auth, catalog } }) {
    const months = config.getOptionalNumber('months') ?? 3;
    if (!Number.isInteger(months) || months < 1 || months > 6) {
      // PagerDuty's GET /incidents refuses a since/until range over 6 months.
      throw new InputError(
        `${CONFIG_KEY}.months must be a whole number from 1 to 6, got ${months}`,
      );
    }
    return new PagerDutyKpiProvider(
      {
        token: config.getString('token'),
        baseUrl: (
          config.getOptionalString('baseUrl') ?? 'https://api.pagerduty.com'
        ).replace(/\/+$/, ''),
        months,
        maxRetries: 3,
        schedule,
      },
      catalog,
      auth,
      logger,
    );
  },
});
