/**
 * Per-plugin circuit breakers for the Backstage backend.
 *
 * Add both to the backend: `circuitBreakerHttpRouterServiceFactory` replaces `coreServices.httpRouter` (every plugin
 * gets a breaker) and the default export is the plugin serving `GET /api/circuit-breaker/status`.
 *
 * @packageDocumentation
 */
export { circuitBreakerPlugin as default } from './plugin';
export { circuitBreakerHttpRouterServiceFactory } from './services/circuitBreakerHttpRouterServiceFactory';
