import { mockServices } from '@backstage/backend-test-utils';
import CircuitBreaker from 'opossum';
import { BreakerMetrics } from './BreakerMetrics';
import { DEFAULT_BREAKER_SETTINGS } from './breakerConfig';
import { PluginBreaker } from './PluginBreaker';

describe('PluginBreaker', () => {
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('builds no statistics while idle (no per-bucket snapshots): only a status read does', () => {
    jest.useFakeTimers();
    // opossum's rolling statistics (its Status class): building them concatenates and sorts every latency of the
    // window.
    const probe = new CircuitBreaker(async () => {});
    const stats = jest.spyOn(
      Object.getPrototypeOf(probe.status),
      'stats',
      'get',
    );
    probe.shutdown();
    const breaker = new PluginBreaker(
      'catalog',
      { ...DEFAULT_BREAKER_SETTINGS },
      mockServices.logger.mock(),
      new BreakerMetrics(() => []),
      mockServices.httpAuth.mock(),
      mockServices.auth.mock(),
    );
    // Ten windows' worth of buckets (one per second by default).
    jest.advanceTimersByTime(10 * DEFAULT_BREAKER_SETTINGS.rollingCountTimeout);
    expect(stats).not.toHaveBeenCalled();

    expect(breaker.status().stats.requests).toBe(0);
    expect(stats).toHaveBeenCalled();
    breaker.shutdown();
  });
});
