/**
 * Graceful shutdown on SIGTERM for the Backstage backend (ECS stops tasks with SIGTERM, then SIGKILL after 30 s).
 *
 * @packageDocumentation
 */
export { gracefulRootHttpRouterServiceFactory } from './service';
export { createServerDrainer } from './drain';
export type { ServerDrainerOptions } from './drain';
export { scaffolderGracefulShutdownModule } from './scaffolderModule';
export { addBeforeServerCloseHook } from './beforeServerClose';
