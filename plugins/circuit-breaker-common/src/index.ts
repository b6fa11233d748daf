/**
 * Types shared by `@internal/plugin-circuit-breaker-backend` (which serves them at
 * `GET /api/circuit-breaker/status`) and `@internal/plugin-circuit-breaker` (the Plugin health page).
 *
 * @packageDocumentation
 */

/** The state of one plugin's breaker, as opossum names it. */
export type BreakerState = 'closed' | 'open' | 'halfOpen' | 'disabled';

/** The effective settings of one plugin's breaker: the defaults merged with its own overrides. */
export interface BreakerSettings {
  /** Milliseconds before a request that has not answered counts as a failure (it still completes). */
  timeout: number;
  /** Failure percentage in the rolling window that opens the breaker. */
  errorThresholdPercentage: number;
  /** Milliseconds the breaker stays open before letting one trial request through (half-open). */
  resetTimeout: number;
  /** Requests needed in the rolling window before the breaker may open. */
  volumeThreshold: number;
  /** Length of the rolling statistics window in milliseconds. */
  rollingCountTimeout: number;
}

/** One plugin's breaker, with the counters of the current rolling window. */
export interface PluginBreakerStatus {
  pluginId: string;
  state: BreakerState;
  settings: BreakerSettings;
  /** Counts over the rolling window (`settings.rollingCountTimeout`). */
  stats: {
    requests: number;
    successes: number;
    /** Responses with status >= 500 plus timeouts. */
    failures: number;
    /** Requests that got no response headers within `settings.timeout` (also counted in `failures`). */
    timeouts: number;
    rejects: number;
    latencyP50: number;
    latencyP95: number;
  };
  /** When the breaker last changed state (ISO 8601), if it has. */
  lastStateChange?: string;
}

/** The body of `GET /api/circuit-breaker/status`. */
export interface CircuitBreakerStatusResponse {
  enabled: boolean;
  plugins: PluginBreakerStatus[];
}
