import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import {
  BreakerSettings,
  PluginBreakerStatus,
} from '@internal/plugin-circuit-breaker-common';
import { BreakerMetrics } from './BreakerMetrics';
import { PluginBreaker } from './PluginBreaker';

/**
 * The breakers of every plugin in this backend process, so the status API can list them. State is per process:
 * with several replicas each one keeps, and reports, its own breakers.
 */
export class CircuitBreakerRegistry {
  private readonly breakers = new Map<string, PluginBreaker>();
  private readonly exempt = new Map<string, BreakerSettings>();
  readonly metrics = new BreakerMetrics(() =>
    [...this.breakers.values()].map(b => ({
      pluginId: b.pluginId,
      state: b.state,
      throttledCallers: b.throttledCount(),
    })),
  );

  register(breaker: PluginBreaker) {
    this.breakers.set(breaker.pluginId, breaker);
  }

  registerExempt(pluginId: string, settings: BreakerSettings) {
    this.exempt.set(pluginId, settings);
  }

  list(): PluginBreakerStatus[] {
    const exempt = [...this.exempt].map(([pluginId, settings]) => ({
      pluginId,
      state: 'disabled' as const,
      settings,
      stats: {
        requests: 0,
        successes: 0,
        failures: 0,
        timeouts: 0,
        rejects: 0,
        throttled: 0,
        latencyP50: 0,
        latencyP95: 0,
      },
      throttledCallers: [],
      throttledCount: 0,
    }));
    return [
      ...[...this.breakers.values()].map(b => b.status()),
      ...exempt,
    ].sort((a, b) => a.pluginId.localeCompare(b.pluginId));
  }
}

/** Root-scoped: one registry per backend process, shared by every plugin's httpRouter and the status plugin. */
export const circuitBreakerRegistryServiceRef =
  createServiceRef<CircuitBreakerRegistry>({
    id: 'internal.circuit-breaker.registry',
    scope: 'root',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: {},
        factory: () => new CircuitBreakerRegistry(),
      }),
  });
