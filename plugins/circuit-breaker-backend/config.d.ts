export interface Config {
  backend?: {
    /**
     * Per-plugin circuit breakers around every plugin's HTTP routes (`/api/<pluginId>`).
     * Each plugin's settings are `defaults` merged with `plugins.<pluginId>`, key by key.
     */
    circuitBreaker?: {
      /** Set to false to serve every plugin without a breaker. Default: true. */
      enabled?: boolean;
      /** Settings for every plugin that has no override of its own. */
      defaults?: CircuitBreakerSettings;
      /** Overrides per plugin id; only the keys given replace the defaults. */
      plugins?: {
        [pluginId: string]: CircuitBreakerSettings & {
          /** false exempts this plugin: its routes are served without a breaker. */
          enabled?: boolean;
        };
      };
    };
  };
}

interface CircuitBreakerSettings {
  /**
   * Milliseconds until a request without response headers is reported as slow; the request itself goes on, and
   * it counts as a failure only if it then ends with a server error or its caller gives up. Default: 10000.
   * @minimum 1
   */
  timeout?: number;
  /**
   * Percentage of the callers active in the rolling window whose latest request failed (status >= 500) that
   * opens the breaker, and the failure percentage of one caller's own requests that throttles it. Default: 50.
   * @minimum 1
   * @maximum 100
   */
  errorThresholdPercentage?: number;
  /**
   * Milliseconds the breaker stays open before one trial request is let through. Default: 30000.
   * @minimum 1
   */
  resetTimeout?: number;
  /**
   * Requests in the rolling window before the breaker may open, and from one caller before it is throttled.
   * Default: 10.
   * @minimum 0
   */
  volumeThreshold?: number;
  /**
   * Distinct callers (users, services, client addresses) whose latest request failed before the breaker may
   * open. Default: 3.
   * @minimum 1
   */
  minFailingCallers?: number;
  /**
   * Length of the rolling statistics window in milliseconds. Default: 10000.
   * @minimum 100
   */
  rollingCountTimeout?: number;
}
