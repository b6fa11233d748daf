import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';

/**
 * Test-only: a plugin whose `GET /api/fault-injection/fail` always fails with 500, so end-to-end tests can open a
 * real circuit breaker. The backend loads it only when `backend.circuitBreaker.faultInjection` is true (the e2e
 * config), and it refuses to start with NODE_ENV=production.
 *
 * @public
 */
export const faultInjectionPlugin = createBackendPlugin({
  pluginId: 'fault-injection',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
      },
      async init({ httpRouter, logger }) {
        if (process.env.NODE_ENV === 'production') {
          throw new Error(
            'The fault-injection plugin is for tests and must not run in production',
          );
        }
        logger.warn(
          'Fault injection is enabled: GET /api/fault-injection/fail answers 500',
        );
        const router = Router();
        router.get('/fail', async () => {
          throw new Error('Injected failure');
        });
        httpRouter.use(router);
      },
    });
  },
});
