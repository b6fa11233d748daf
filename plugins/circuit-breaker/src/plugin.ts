import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { circuitBreakerApiRef, CircuitBreakerClient } from './api';
import { rootRouteRef } from './routes';

/** @public */
export const circuitBreakerPlugin = createPlugin({
  id: 'circuit-breaker',
  apis: [
    createApiFactory({
      api: circuitBreakerApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new CircuitBreakerClient(deps),
    }),
  ],
  routes: { root: rootRouteRef },
});

/**
 * The "Plugin health" page: every backend plugin's circuit breaker, its state and counters.
 *
 * @public
 */
export const PluginHealthPage = circuitBreakerPlugin.provide(
  createRoutableExtension({
    name: 'PluginHealthPage',
    component: () =>
      import('./components/PluginHealthPage').then(m => m.PluginHealthPage),
    mountPoint: rootRouteRef,
  }),
);
