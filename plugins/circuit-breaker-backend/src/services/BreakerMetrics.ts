import { metrics } from '@opentelemetry/api';
import { BreakerState } from '@internal/plugin-circuit-breaker-common';

/** `timeout` is a request past the timeout (reported once, whatever it then ends with); `throttled` a 429. */
export type BreakerOutcome =
  | 'success'
  | 'failure'
  | 'timeout'
  | 'reject'
  | 'throttled';

const STATE_VALUES: Record<BreakerState, number> = {
  closed: 0,
  halfOpen: 1,
  open: 2,
  disabled: -1,
};

/**
 * Per-plugin breaker metrics through the OpenTelemetry metrics API, which Backstage's backend exports
 * (Prometheus or OTLP, wherever the deployment's OpenTelemetry SDK sends them). Without an SDK they are no-ops.
 */
export class BreakerMetrics {
  private readonly meter = metrics.getMeter('backstage-circuit-breaker');
  private readonly requests = this.meter.createCounter(
    'backstage.circuit_breaker.requests',
    {
      description:
        'Requests seen by a plugin circuit breaker, by outcome (success, failure, timeout, reject, throttled)',
    },
  );
  private readonly callersThrottled = this.meter.createCounter(
    'backstage.circuit_breaker.callers_throttled',
    {
      description:
        'Callers throttled (429 on one plugin) because their own requests kept failing, by caller kind',
    },
  );
  private readonly latency = this.meter.createHistogram(
    'backstage.circuit_breaker.latency',
    {
      description: 'Time until a plugin decided its response status',
      unit: 'ms',
    },
  );

  constructor(
    states: () => Array<{
      pluginId: string;
      state: BreakerState;
      throttledCallers: number;
    }>,
  ) {
    this.meter
      .createObservableGauge('backstage.circuit_breaker.throttled_callers', {
        description: 'Callers throttled right now, per plugin',
      })
      .addCallback(result => {
        for (const { pluginId, throttledCallers } of states()) {
          result.observe(throttledCallers, { plugin: pluginId });
        }
      });
    this.meter
      .createObservableGauge('backstage.circuit_breaker.state', {
        description: 'Breaker state per plugin: 0 closed, 1 half-open, 2 open',
      })
      .addCallback(result => {
        for (const { pluginId, state } of states()) {
          result.observe(STATE_VALUES[state], { plugin: pluginId });
        }
      });
  }

  recordThrottledCaller(pluginId: string, callerKind: string) {
    this.callersThrottled.add(1, { plugin: pluginId, caller_kind: callerKind });
  }

  record(pluginId: string, outcome: BreakerOutcome, latencyMs?: number) {
    this.requests.add(1, { plugin: pluginId, outcome });
    if (latencyMs !== undefined) {
      this.latency.record(latencyMs, { plugin: pluginId, outcome });
    }
  }
}
