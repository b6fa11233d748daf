export { circuitBreakerPlugin, PluginHealthPage } from './plugin';
export { circuitBreakerApiRef } from './api';
export type { CircuitBreakerApi } from './api';
