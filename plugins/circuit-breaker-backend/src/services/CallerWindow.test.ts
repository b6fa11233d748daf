import { CallerWindow } from './CallerWindow';

describe('CallerWindow', () => {
  it('counts per caller and forgets what left the window', () => {
    let now = 1_000_000;
    const w = new CallerWindow(1_000, 100, () => now);
    w.record('a', true);
    w.record('a', false);
    w.record('b', true);
    expect(w.of('a')).toEqual({ requests: 2, failures: 1, lastFailed: false });
    expect(w.of('b')).toEqual({ requests: 1, failures: 1, lastFailed: true });

    now += 600;
    w.record('a', true);
    expect(w.of('a')).toMatchObject({ requests: 3, failures: 2 });

    // The first two buckets have left the window; only the later request of 'a' remains, and 'b' is gone.
    now += 500;
    expect(w.of('a')).toEqual({ requests: 1, failures: 1, lastFailed: true });
    expect([...w.callers().keys()]).toEqual(['a']);
  });

  it('caps the callers tracked: beyond the cap new callers share one tally', () => {
    const w = new CallerWindow(1_000, 2, () => 0);
    for (const c of ['a', 'b', 'c', 'd']) w.record(c, true);
    expect([...w.callers().keys()]).toEqual(['a', 'b', 'overflow']);
    expect(w.of('overflow')).toMatchObject({ requests: 2, failures: 2 });
    w.record('a', false);
    expect(w.of('a').requests).toBe(2);
  });
});
