import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { manageKpiProvidersExtensionPoint } from '@internal/plugin-manage-node';

/**
 * Test-only: KPI providers from `manage.faultInjection.providers` that fail on every run or succeed with nothing, so
 * the end-to-end tests can show tiles in the failed and (with a short `manage.freshness` threshold) stale states
 * through the real scheduler, store and page. Loaded only by the backend's dev-only feature loader; refuses
 * NODE_ENV=production.
 *
 * @public
 */
export const manageModuleFaultInjection = createBackendModule({
  pluginId: 'manage',
  moduleId: 'fault-injection',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        providers: manageKpiProvidersExtensionPoint,
      },
      async init({ config, logger, providers }) {
        if (process.env.NODE_ENV === 'production') {
          throw new Error(
            'The manage fault-injection module is for tests and must not run in production',
          );
        }
        for (const p of config.getOptionalConfigArray(
          'manage.faultInjection.providers',
        ) ?? []) {
          const id = p.getString('id');
          const behaviour = p.getString('behaviour');
          if (behaviour !== 'fail' && behaviour !== 'empty') {
            throw new Error(
              `manage.faultInjection provider ${id}: behaviour must be fail or empty, got ${behaviour}`,
            );
          }
          const error = p.getOptionalString('error') ?? 'Injected failure';
          logger.warn(
            `Fault injection: KPI provider ${id} ${
              behaviour === 'fail' ? 'fails every run' : 'reports nothing'
            }`,
          );
          providers.addProvider({
            id,
            kpis: p.getStringArray('kpis'),
            schedule: {
              frequency: {
                seconds: p.getOptionalNumber('frequencySeconds') ?? 600,
              },
              timeout: { minutes: 1 },
              initialDelay: { seconds: 1 },
            },
            async collect() {
              if (behaviour === 'fail') throw new Error(error);
              return [];
            },
          });
        }
      },
    });
  },
});
