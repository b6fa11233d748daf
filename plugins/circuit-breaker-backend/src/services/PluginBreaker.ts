import {
  AuthService,
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  BreakerOpenReason,
  BreakerSettings,
  BreakerState,
  PluginBreakerStatus,
  ThrottledCaller,
} from '@internal/plugin-circuit-breaker-common';
import { NextFunction, Request, RequestHandler, Response } from 'express';
import CircuitBreaker from 'opossum';
import { BreakerMetrics } from './BreakerMetrics';
import { Caller, callerOf } from './caller';
import { CallerWindow, Tally } from './CallerWindow';
import { ResponseWatch } from './ResponseWatch';

const isFailing = (t: Tally, thresholdPct: number) =>
  t.failures > 0 && (t.failures * 100) / t.requests > thresholdPct;

/**
 * One plugin's breaker. Failures are attributed to the caller that got them (user, service, or client address):
 *
 * - the plugin's breaker opens only when at least `minFailingCallers` distinct callers, and more than
 *   `errorThresholdPercentage` % of the callers active in the window, got a failure as their latest answer (with
 *   at least `volumeThreshold` requests in the window): a failure many callers see is the plugin's;
 * - a caller more than `errorThresholdPercentage` % of whose own `volumeThreshold`+ requests in the window failed is
 *   throttled: 429 with Retry-After on this plugin, for `resetTimeout`, for that caller only.
 *
 * opossum keeps the state machine (open → half-open after `resetTimeout` → one trial → closed or open again) and
 * the latency statistics; its own ratio rule is switched off (`volumeThreshold: MAX`), and `open()` is called by
 * the rule above.
 */
export class PluginBreaker {
  private readonly breaker: CircuitBreaker<
    [Response, NextFunction, Caller],
    void
  >;
  private readonly window: CallerWindow;
  private readonly responses: ResponseWatch;
  /** Window counts of events that are not a caller's: `slow` and `throttled` requests. */
  private readonly events: CallerWindow;
  private readonly throttled = new Map<
    string,
    { kind: Caller['kind']; failures: number; until: number }
  >();
  private openedAt = 0;
  private openReason?: BreakerOpenReason;
  private lastStateChange?: Date;

  constructor(
    readonly pluginId: string,
    readonly settings: BreakerSettings,
    private readonly logger: LoggerService,
    private readonly metrics: BreakerMetrics,
    private readonly httpAuth: HttpAuthService,
    private readonly auth: AuthService,
  ) {
    this.window = new CallerWindow(settings.rollingCountTimeout);
    this.events = new CallerWindow(settings.rollingCountTimeout);
    this.responses = new ResponseWatch(settings.timeout, () => {
      this.events.record('slow', false);
      metrics.record(pluginId, 'timeout');
    });
    this.breaker = new CircuitBreaker(
      (res: Response, next: NextFunction, caller: Caller) => {
        const outcome = this.responses.watch(res).then(
          counted => {
            if (counted) this.window.record(caller.key, false);
          },
          error => {
            this.window.record(caller.key, true);
            this.judge(caller);
            throw error;
          },
        );
        next();
        return outcome;
      },
      {
        name: pluginId,
        timeout: false,
        errorThresholdPercentage: settings.errorThresholdPercentage,
        resetTimeout: settings.resetTimeout,
        volumeThreshold: Number.MAX_SAFE_INTEGER,
        // opossum splits the window into buckets; 10 must divide it, so round the window to a multiple of 10.
        rollingCountTimeout: Math.max(
          10,
          Math.round(settings.rollingCountTimeout / 10) * 10,
        ),
        rollingCountBuckets: 10,
        // Nothing listens to 'snapshot'; left on, opossum would build its full stats every bucket (once a second by
        // default): concatenating and sorting every latency of the window, ~30k numbers at 3k req/s, per plugin.
        enableSnapshots: false,
      },
    );
    this.breaker.on('open', () => {
      this.openedAt = Date.now();
      this.stateChanged('open');
    });
    this.breaker.on('halfOpen', () => this.stateChanged('halfOpen'));
    this.breaker.on('close', () => {
      this.openReason = undefined;
      this.stateChanged('closed');
    });
    this.breaker.on('success', (_r, latency) =>
      metrics.record(pluginId, 'success', latency),
    );
    this.breaker.on('failure', (_error: Error, latency) =>
      metrics.record(pluginId, 'failure', latency),
    );
    this.breaker.on('reject', () => metrics.record(pluginId, 'reject'));
  }

  get state(): BreakerState {
    if (this.breaker.halfOpen) return 'halfOpen';
    return this.breaker.opened ? 'open' : 'closed';
  }

  /** Express middleware: 429 for a throttled caller, 503 for everyone while open, else on to the plugin. */
  middleware(): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      callerOf(req, this.httpAuth, this.auth).then(
        caller => this.handle(caller, req, res, next),
        next,
      );
    };
  }

  private handle(
    caller: Caller,
    req: Request,
    res: Response,
    next: NextFunction,
  ) {
    const throttle = this.throttled.get(caller.key);
    if (throttle && throttle.until > Date.now()) {
      this.events.record('throttled', false);
      this.metrics.record(this.pluginId, 'throttled');
      res.setHeader(
        'Retry-After',
        String(Math.max(1, Math.ceil((throttle.until - Date.now()) / 1000))),
      );
      res.status(429).json({
        error: {
          name: 'TooManyRequestsError',
          message: `Too many of your requests to the ${this.pluginId} plugin failed; retry later`,
        },
        request: { method: req.method, url: req.originalUrl },
        response: { statusCode: 429 },
      });
      return;
    }
    if (throttle) this.throttled.delete(caller.key);
    this.breaker
      .fire(res, next, caller)
      .catch((error: Error & { code?: string }) => {
        if (error.code !== 'EOPENBREAKER') {
          // A server error: already counted, and the plugin's response is on its way.
          return;
        }
        const retryAfterMs =
          this.openedAt + this.settings.resetTimeout - Date.now();
        res.setHeader(
          'Retry-After',
          String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
        );
        next(
          new ServiceUnavailableError(
            `The ${this.pluginId} plugin is failing for many callers and its circuit breaker is open; retry later`,
          ),
        );
      });
  }

  /** After a failure: open the plugin's breaker if many callers fail, else throttle this caller if it keeps failing. */
  private judge(caller: Caller) {
    const {
      errorThresholdPercentage: pct,
      volumeThreshold,
      minFailingCallers,
    } = this.settings;
    const callers = this.window.callers();
    let requests = 0;
    let failing = 0;
    for (const t of callers.values()) {
      requests += t.requests;
      if (t.lastFailed) failing++;
    }
    if (
      !this.breaker.opened &&
      requests >= volumeThreshold &&
      failing >= minFailingCallers &&
      (failing * 100) / callers.size > pct
    ) {
      this.openReason = {
        kind: 'outageConfirmed',
        failingCallers: failing,
        activeCallers: callers.size,
        at: new Date().toISOString(),
      };
      this.breaker.open();
      return;
    }
    const own = callers.get(caller.key);
    if (
      own &&
      own.requests >= volumeThreshold &&
      isFailing(own, pct) &&
      !this.throttled.has(caller.key)
    ) {
      // Entries are dropped lazily (when the caller returns or the status is read); keep the map bounded anyway.
      if (this.throttled.size >= 10_000) this.currentThrottles();
      this.throttled.set(caller.key, {
        kind: caller.kind,
        failures: own.failures,
        until: Date.now() + this.settings.resetTimeout,
      });
      this.metrics.recordThrottledCaller(this.pluginId, caller.kind);
      this.logger.warn(
        `Caller ${caller.key} throttled on plugin '${this.pluginId}' for ${this.settings.resetTimeout} ms: ` +
          `${own.failures} of its ${own.requests} requests failed; other callers are served`,
      );
    }
  }

  private currentThrottles(): ThrottledCaller[] {
    const now = Date.now();
    const list: ThrottledCaller[] = [];
    for (const [key, t] of this.throttled) {
      if (t.until <= now) this.throttled.delete(key);
      else
        list.push({
          caller: key,
          kind: t.kind,
          failures: t.failures,
          until: new Date(t.until).toISOString(),
        });
    }
    return list;
  }

  status(): PluginBreakerStatus {
    const stats = this.breaker.stats;
    const throttled = this.currentThrottles();
    return {
      pluginId: this.pluginId,
      state: this.state,
      settings: this.settings,
      stats: {
        requests: stats.fires,
        successes: stats.successes,
        failures: stats.failures,
        timeouts: this.events.of('slow').requests,
        rejects: stats.rejects,
        throttled: this.events.of('throttled').requests,
        latencyP50: stats.percentiles['0.5'] ?? 0,
        latencyP95: stats.percentiles['0.95'] ?? 0,
      },
      lastStateChange: this.lastStateChange?.toISOString(),
      openReason: this.state === 'closed' ? undefined : this.openReason,
      throttledCallers: throttled.slice(0, 20),
      throttledCount: throttled.length,
    };
  }

  /** How many callers are throttled now (for the metrics gauge). */
  throttledCount(): number {
    return this.currentThrottles().length;
  }

  /** Stops opossum's timers (rolling window, reset timeout) when the backend shuts down. */
  shutdown() {
    this.breaker.shutdown();
    this.responses.stop();
  }

  private stateChanged(state: BreakerState) {
    this.lastStateChange = new Date();
    const message = `Circuit breaker for plugin '${this.pluginId}' is now ${state}`;
    if (state === 'open') {
      const r = this.openReason;
      const why = r
        ? ` (outage confirmed: ${r.failingCallers} of ${r.activeCallers} callers failing)`
        : '';
      this.logger.warn(
        `${message}: answering 503 for ${this.settings.resetTimeout} ms${why}`,
      );
    } else {
      this.logger.info(message);
    }
  }
}
