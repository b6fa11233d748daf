import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { addBeforeServerCloseHook } from './beforeServerClose';

/**
 * SIGTERM never leaves a running scaffolder task `failed`.
 *
 * Why: the scaffolder stops its task worker in a root shutdown hook, which the backend runs only after the
 * before-shutdown hooks, i.e. after our drain has closed the HTTP listener (and the worker's stop does not wait for
 * running tasks anyway). A task still running then calls back into this backend (catalog registration, the local
 * git server), the call is refused, and the task and its step are marked failed for good, although
 * `scaffolder.taskRecovery` could have resumed them.
 *
 * What: right before the listener closes (addBeforeServerCloseHook, after `serverShutdownDelay`), the scaffolder's
 * database client is closed. From then on a running task can record nothing: not a step's end, not its own
 * failure. It stays `processing`, its heartbeat goes stale, and task recovery (another replica, or this one after
 * its restart) runs it again: `EXPERIMENTAL_recovery` startOver from the start, our actions' checkpoints keeping
 * every side effect to one; without a strategy, from its last completed step. Scaffolder requests still in flight
 * then answer 500; the load balancer stopped sending new ones during the delay.
 *
 * The scaffolder exposes no way to wait for its running tasks: its worker's stop() waits only with
 * `scaffolder.EXPERIMENTAL_gracefulShutdown`, and is registered on the root lifecycle, where it runs together with
 * the database pools' destruction. So tasks are handed over rather than finished.
 *
 * @public
 */
export const scaffolderGracefulShutdownModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'graceful-shutdown',
  register(reg) {
    reg.registerInit({
      deps: {
        logger: coreServices.logger,
        database: coreServices.database,
      },
      async init({ logger, database }) {
        // The same client as the scaffolder's: the database service keeps one per plugin.
        const knex = await database.getClient();
        addBeforeServerCloseHook(async () => {
          logger.info(
            "Shutdown: closing the scaffolder's database client before the listener, so running tasks stay 'processing' for task recovery",
          );
          await knex.destroy();
        });
      },
    });
  },
});
