import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  createAuthIntegrationRouter,
  createCookieAuthRefreshMiddleware,
  createCredentialsBarrier,
  createLifecycleMiddleware,
  createRateLimitMiddleware,
} from '@backstage/backend-defaults/httpRouter';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import Router from 'express-promise-router';
import { readPluginBreakerConfig } from './breakerConfig';
import { circuitBreakerRegistryServiceRef } from './CircuitBreakerRegistry';
import { PluginBreaker } from './PluginBreaker';
import { rejectNulBytes } from './rejectNulBytes';

/**
 * Replaces the default `coreServices.httpRouter` with the same chain, built from the same exported pieces of
 * `@backstage/backend-defaults/httpRouter`, plus a per-plugin circuit breaker in front of the plugin's own routes:
 *
 *   rate limit → mount at /api/<pluginId> → auth integration router → lifecycle (503 until started)
 *   → credentials barrier (401, auth policies) → cookie auth refresh → **NUL-byte check (400)**
 *   → **circuit breaker** → plugin routes → error middleware
 *
 * The stock factory exposes no hook between its middleware and the plugin routes, so only this composition is
 * re-created (mirroring `httpRouterServiceFactory` of backend-defaults 0.18); each middleware is the upstream one.
 * Because the breaker sits after the lifecycle middleware and the credentials barrier, their 503s and 401s never
 * reach it, and because the error middleware comes after it, errors thrown by a plugin are counted by the status
 * they are rendered with. Plugins need no change.
 *
 * @public
 */
export const circuitBreakerHttpRouterServiceFactory = createServiceFactory({
  service: coreServices.httpRouter,
  initialization: 'always',
  deps: {
    plugin: coreServices.pluginMetadata,
    config: coreServices.rootConfig,
    lifecycle: coreServices.lifecycle,
    rootHttpRouter: coreServices.rootHttpRouter,
    auth: coreServices.auth,
    httpAuth: coreServices.httpAuth,
    logger: coreServices.logger,
    registry: circuitBreakerRegistryServiceRef,
  },
  async factory({
    auth,
    httpAuth,
    config,
    plugin,
    rootHttpRouter,
    lifecycle,
    logger,
    registry,
  }) {
    const pluginId = plugin.getId();
    const router = Router();
    router.use(createRateLimitMiddleware({ pluginId, config }));
    rootHttpRouter.use(`/api/${pluginId}`, router);

    const credentialsBarrier = createCredentialsBarrier({ httpAuth, config });
    router.use(createAuthIntegrationRouter({ auth }));
    router.use(createLifecycleMiddleware({ config, lifecycle }));
    router.use(credentialsBarrier.middleware);
    router.use(createCookieAuthRefreshMiddleware({ auth, httpAuth }));
    // Before the breaker and the plugin: input no plugin can store or look up is the caller's error, not a 500.
    router.use(rejectNulBytes);

    const { enabled, settings } = readPluginBreakerConfig(config, pluginId);
    if (enabled) {
      const breaker = new PluginBreaker(
        pluginId,
        settings,
        logger,
        registry.metrics,
        httpAuth,
        auth,
      );
      registry.register(breaker);
      lifecycle.addShutdownHook(() => breaker.shutdown());
      router.use(breaker.middleware());
    } else {
      registry.registerExempt(pluginId, settings);
    }

    const pluginRoutes = Router();
    router.use(pluginRoutes);
    router.use(MiddlewareFactory.create({ config, logger }).error());

    return {
      use(handler) {
        pluginRoutes.use(handler);
      },
      addAuthPolicy(policy) {
        credentialsBarrier.addAuthPolicy(policy);
      },
    };
  },
});
