/**
 * Types shared by the circuit-breaker backend plugin (which serves them at `GET /api/circuit-breaker/status`) and
 * the circuit-breaker frontend plugin (the Plugin health page).
 *
 * @packageDocumentation
 */

/**
 * The state of one plugin's breaker, as opossum names it.
 *
 * @public
 */
export type BreakerState = 'closed' | 'open' | 'halfOpen' | 'disabled';

/**
 * The effective settings of one plugin's breaker: the defaults merged with its own overrides.
 *
 * @public
 */
export interface BreakerSettings {
  /**
   * Milliseconds before a request without response headers is reported as slow. It counts as a failure only if
   * it then ends with a server error or the caller gives up waiting; a slow success is a success.
   */
  timeout: number;
  /**
   * Percentage of the callers active in the window whose latest request failed that opens the breaker; also the
   * failure percentage of one caller's own requests that throttles that caller.
   */
  errorThresholdPercentage: number;
  /** Milliseconds the breaker stays open before letting one trial request through (half-open). */
  resetTimeout: number;
  /** Requests needed in the rolling window before the breaker may open, and from one caller before it is throttled. */
  volumeThreshold: number;
  /** Distinct callers whose latest request failed needed before the breaker may open. */
  minFailingCallers: number;
  /** Length of the rolling statistics window in milliseconds. */
  rollingCountTimeout: number;
}

/**
 * Why a breaker is open: failures seen by many distinct callers, i.e. the plugin itself is failing.
 *
 * @public
 */
export interface BreakerOpenReason {
  kind: 'outageConfirmed';
  /** Callers whose latest request failed, when the breaker opened. */
  failingCallers: number;
  /** Callers active in the window, when the breaker opened. */
  activeCallers: number;
  /** When the breaker opened (ISO 8601). */
  at: string;
}

/**
 * A caller whose own requests keep failing: answered 429 (on this plugin only) until `until`.
 *
 * @public
 */
export interface ThrottledCaller {
  /** The user entity ref, `service:<subject>`, or `ip:<address>` for unauthenticated callers. */
  caller: string;
  kind: 'user' | 'service' | 'none';
  /** Its failures in the window when it was throttled. */
  failures: number;
  /** When the throttle ends (ISO 8601). */
  until: string;
}

/**
 * One plugin's breaker, with the counters of the current rolling window.
 *
 * @public
 */
export interface PluginBreakerStatus {
  pluginId: string;
  state: BreakerState;
  settings: BreakerSettings;
  /** Counts over the rolling window (`settings.rollingCountTimeout`). */
  stats: {
    requests: number;
    successes: number;
    /** Responses with status \>= 500 plus timeouts. */
    failures: number;
    /** Requests that got no response headers within `settings.timeout` (failures only if they then failed). */
    timeouts: number;
    /** Requests answered 503 because the breaker was open. */
    rejects: number;
    /** Requests answered 429 because their caller was throttled. */
    throttled: number;
    latencyP50: number;
    latencyP95: number;
  };
  /** When the breaker last changed state (ISO 8601), if it has. */
  lastStateChange?: string;
  /** Set while the breaker is open or half-open: why it opened. */
  openReason?: BreakerOpenReason;
  /** Callers throttled right now (at most 20 listed; `throttledCount` has them all). */
  throttledCallers: ThrottledCaller[];
  throttledCount: number;
}

/**
 * The body of `GET /api/circuit-breaker/status`.
 *
 * @public
 */
export interface CircuitBreakerStatusResponse {
  enabled: boolean;
  plugins: PluginBreakerStatus[];
}
