/** Requests and failures of one caller (or of all callers) inside the rolling window. */
export interface Tally {
  requests: number;
  failures: number;
  /** Whether this caller's latest request failed (kept in the window totals only). */
  lastFailed?: boolean;
}

function count(map: Map<string, Tally>, key: string, failed: boolean) {
  const t = map.get(key);
  if (t) {
    t.requests++;
    if (failed) t.failures++;
    t.lastFailed = failed;
  } else {
    map.set(key, { requests: 1, failures: failed ? 1 : 0, lastFailed: failed });
  }
}

/**
 * Per-caller request and failure counts over a rolling window, in ten buckets that expire lazily (no timers).
 * `totals` is kept incrementally, so a verdict costs one pass over the callers active in the window, never over
 * requests. The number of callers tracked is capped: past `maxCallers` new callers share one overflow tally, so
 * memory stays bounded whatever an attacker sends (the overflow tally counts as a single caller, on purpose).
 */
export class CallerWindow {
  private readonly bucketMs: number;
  private readonly buckets: Array<{
    start: number;
    tallies: Map<string, Tally>;
  }> = [];
  private readonly totals = new Map<string, Tally>();

  constructor(
    private readonly windowMs: number,
    private readonly maxCallers = 10_000,
    private readonly now: () => number = Date.now,
  ) {
    this.bucketMs = Math.max(1, Math.floor(windowMs / 10));
  }

  record(caller: string, failed: boolean) {
    const now = this.now();
    this.expire(now);
    const key =
      this.totals.has(caller) || this.totals.size < this.maxCallers
        ? caller
        : 'overflow';
    const start = now - (now % this.bucketMs);
    let bucket = this.buckets[this.buckets.length - 1];
    if (!bucket || bucket.start !== start) {
      bucket = { start, tallies: new Map() };
      this.buckets.push(bucket);
    }
    // Once per request: no per-call array, one lookup per map.
    count(bucket.tallies, key, failed);
    count(this.totals, key, failed);
  }

  /** The caller's counts in the window. */
  of(caller: string): Tally {
    this.expire();
    return this.totals.get(caller) ?? { requests: 0, failures: 0 };
  }

  /** Every caller active in the window with its counts. */
  callers(): Map<string, Tally> {
    this.expire();
    return this.totals;
  }

  private expire(now = this.now()) {
    const oldest = now - this.windowMs;
    while (
      this.buckets.length &&
      this.buckets[0].start + this.bucketMs <= oldest
    ) {
      const expired = this.buckets.shift()!;
      for (const [caller, t] of expired.tallies) {
        const total = this.totals.get(caller)!;
        total.requests -= t.requests;
        total.failures -= t.failures;
        if (total.requests <= 0) this.totals.delete(caller);
      }
    }
  }
}
