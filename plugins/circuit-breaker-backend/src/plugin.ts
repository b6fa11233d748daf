import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { createRouter } from './router';
import { circuitBreakerRegistryServiceRef } from './services/CircuitBreakerRegistry';

/**
 * The `circuit-breaker` plugin: serves `GET /api/circuit-breaker/status` with the state and counters of every
 * plugin's breaker in this process. The breakers themselves come from `circuitBreakerHttpRouterServiceFactory`.
 *
 * @public
 */
export const circuitBreakerPlugin = createBackendPlugin({
  pluginId: 'circuit-breaker',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        registry: circuitBreakerRegistryServiceRef,
      },
      async init({ config, httpAuth, httpRouter, registry }) {
        const enabled =
          config.getOptionalBoolean('backend.circuitBreaker.enabled') ?? true;
        httpRouter.use(await createRouter({ httpAuth, registry, enabled }));
      },
    });
  },
});
