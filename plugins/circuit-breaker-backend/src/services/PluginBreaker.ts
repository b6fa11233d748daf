import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  BreakerSettings,
  BreakerState,
  PluginBreakerStatus,
} from '@internal/plugin-circuit-breaker-common';
import { NextFunction, Request, RequestHandler, Response } from 'express';
import CircuitBreaker from 'opossum';
import { BreakerMetrics } from './BreakerMetrics';

/** Rejects the breaker's action when a plugin answered with a server error. */
class ServerErrorResponse extends Error {
  constructor(readonly status: number) {
    super(`responded ${status}`);
  }
}

/**
 * Settles when the response status is decided, i.e. when its headers are written: a status >= 500 fails.
 * Judging at header time keeps long-lived responses (server-sent events, downloads) from counting as timeouts.
 * A client that goes away before any header is not the plugin's failure.
 */
function responseOutcome(res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (status: number) =>
      status >= 500 ? reject(new ServerErrorResponse(status)) : resolve();
    const writeHead = res.writeHead;
    res.writeHead = function patchedWriteHead(this: Response, ...args: any[]) {
      res.writeHead = writeHead;
      settle(typeof args[0] === 'number' ? args[0] : res.statusCode);
      return (writeHead as Function).apply(this, args);
    } as Response['writeHead'];
    res.once('close', () => (res.headersSent ? undefined : resolve()));
  });
}

/**
 * One plugin's opossum breaker in front of its routes. The breaker's action is "let the request through and
 * wait for its status"; opossum does the counting, the rolling window, timeouts and the half-open trial.
 */
export class PluginBreaker {
  private readonly breaker: CircuitBreaker<[Response, NextFunction], void>;
  private openedAt = 0;
  private lastStateChange?: Date;

  constructor(
    readonly pluginId: string,
    readonly settings: BreakerSettings,
    private readonly logger: LoggerService,
    metrics: BreakerMetrics,
  ) {
    this.breaker = new CircuitBreaker(
      (res: Response, next: NextFunction) => {
        const outcome = responseOutcome(res);
        next();
        return outcome;
      },
      {
        name: pluginId,
        ...settings,
        // opossum splits the window into buckets; 10 must divide it, so round the window to a multiple of 10.
        rollingCountTimeout: Math.max(
          10,
          Math.round(settings.rollingCountTimeout / 10) * 10,
        ),
        rollingCountBuckets: 10,
      },
    );
    this.breaker.on('open', () => {
      this.openedAt = Date.now();
      this.stateChanged('open');
    });
    this.breaker.on('halfOpen', () => this.stateChanged('halfOpen'));
    this.breaker.on('close', () => this.stateChanged('closed'));
    this.breaker.on('success', (_r, latency) =>
      metrics.record(pluginId, 'success', latency),
    );
    // opossum reports a timeout as a failure too (and counts it in both stats); record it once, by its kind.
    this.breaker.on('failure', (error: Error & { code?: string }, latency) =>
      metrics.record(
        pluginId,
        error.code === 'ETIMEDOUT' ? 'timeout' : 'failure',
        latency,
      ),
    );
    this.breaker.on('reject', () => metrics.record(pluginId, 'reject'));
  }

  get state(): BreakerState {
    if (this.breaker.halfOpen) return 'halfOpen';
    return this.breaker.opened ? 'open' : 'closed';
  }

  /** Express middleware: passes requests to the plugin while closed, answers 503 while open. */
  middleware(): RequestHandler {
    return (_req: Request, res: Response, next: NextFunction) => {
      this.breaker.fire(res, next).catch((error: Error & { code?: string }) => {
        if (error.code !== 'EOPENBREAKER') {
          // A server error or a timeout: already counted, and the plugin's response is on its way.
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
            `The ${this.pluginId} plugin is failing and its circuit breaker is open; retry later`,
          ),
        );
      });
    };
  }

  status(): PluginBreakerStatus {
    const stats = this.breaker.stats;
    return {
      pluginId: this.pluginId,
      state: this.state,
      settings: this.settings,
      stats: {
        requests: stats.fires,
        successes: stats.successes,
        failures: stats.failures,
        timeouts: stats.timeouts,
        rejects: stats.rejects,
        latencyP50: stats.percentiles['0.5'] ?? 0,
        latencyP95: stats.percentiles['0.95'] ?? 0,
      },
      lastStateChange: this.lastStateChange?.toISOString(),
    };
  }

  /** Stops opossum's timers (rolling window, reset timeout) when the backend shuts down. */
  shutdown() {
    this.breaker.shutdown();
  }

  private stateChanged(state: BreakerState) {
    this.lastStateChange = new Date();
    const message = `Circuit breaker for plugin '${this.pluginId}' is now ${state}`;
    if (state === 'open') {
      this.logger.warn(
        `${message}: answering 503 for ${this.settings.resetTimeout} ms`,
      );
    } else {
      this.logger.info(message);
    }
  }
}
