import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import type { ExtendedHttpServer } from '@backstage/backend-defaults/rootHttpRouter';
import type { RootLifecycleService } from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import type { Config } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { runBeforeServerCloseHooks } from './beforeServerClose';
import { createServerDrainer } from './drain';

const duration = (config: Config, key: string, fallbackMs: number) =>
  config.has(key)
    ? durationToMilliseconds(readDurationFromConfig(config, { key }))
    : fallbackMs;

/**
 * The stock root HTTP router (`@backstage/backend-defaults/rootHttpRouter`, default middleware and health routes
 * unchanged) with a graceful shutdown for SIGTERM.
 *
 * Why: the stock backend runs, on SIGTERM, the before-shutdown hooks (readiness turns 503, optional
 * `backend.lifecycle.serverShutdownDelay`), then every plugin's shutdown hooks, then the root shutdown hooks in
 * parallel: `server.stop()` together with the database pools' destruction. So requests still in flight when the pools
 * close fail, and `server.close()` has no deadline: one open event stream or websocket keeps the process alive until
 * ECS sends SIGKILL (exit 137). Here the server is drained in a before-shutdown hook, i.e. before plugins and pools
 * stop, bounded by `backend.gracefulShutdown.drainTimeout`; the upstream `server.stop()` then finds it closed.
 * A last-resort timer exits 1 if shutdown as a whole exceeds `backend.gracefulShutdown.exitTimeout`.
 *
 * Work that must precede the listener's close (addBeforeServerCloseHook: the hand-over of the scaffolder's running
 * tasks, see scaffolderGracefulShutdownModule) runs after the delay.
 *
 * @public
 */
export const gracefulRootHttpRouterServiceFactory =
  rootHttpRouterServiceFactory({
    configure(context) {
      context.applyDefaults();
      const { config, logger } = context;
      // The stock factory hands its rootLifecycle dependency to configure(), typed as the plugin LifecycleService.
      const lifecycle = context.lifecycle as RootLifecycleService;
      const server = context.server as ExtendedHttpServer;
      const delayMs = duration(
        config,
        'backend.lifecycle.serverShutdownDelay',
        0,
      );
      // In development (yarn start, e2e) nothing waits, as upstream closes every connection at once there.
      const drainTimeoutMs = duration(
        config,
        'backend.gracefulShutdown.drainTimeout',
        process.env.NODE_ENV === 'development' ? 0 : 15_000,
      );
      const exitTimeoutMs = duration(
        config,
        'backend.gracefulShutdown.exitTimeout',
        25_000,
      );
      const drainer = createServerDrainer(server, {
        delayMs,
        drainTimeoutMs,
        logger,
        beforeClose: runBeforeServerCloseHooks,
      });
      lifecycle.addBeforeShutdownHook(async () => {
        setTimeout(() => {
          logger.error(
            `Shutdown did not finish within ${exitTimeoutMs} ms; exiting`,
          );
          process.exit(1);
        }, exitTimeoutMs).unref();
        await drainer.drain();
      });
      // The stock factory registers `() => server.stop()` as a root shutdown hook after this function returns;
      // by then the server is drained and closed, and closing it again would reject (ERR_SERVER_NOT_RUNNING).
      server.stop = () => drainer.drain();
    },
  });
