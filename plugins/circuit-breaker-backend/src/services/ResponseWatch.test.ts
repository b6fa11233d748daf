import { Response } from 'express';
import { ResponseWatch, ServerErrorResponse } from './ResponseWatch';

/** The parts of a response the watch reads: writeHead (patched), headersSent, destroyed, statusCode. */
function fakeResponse() {
  const res = {
    statusCode: 200,
    headersSent: false,
    destroyed: false,
    writeHead(status: number) {
      res.statusCode = status;
      res.headersSent = true;
      return res;
    },
  };
  return res;
}
const asResponse = (res: ReturnType<typeof fakeResponse>) =>
  res as unknown as Response;

describe('ResponseWatch', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('resolves at header time below 500 and rejects a server error', async () => {
    const onSlow = jest.fn();
    const watch = new ResponseWatch(1000, onSlow);
    const ok = fakeResponse();
    const failing = fakeResponse();
    const original = ok.writeHead;
    const okOutcome = watch.watch(asResponse(ok));
    const failingOutcome = watch.watch(asResponse(failing));
    ok.writeHead(404);
    failing.writeHead(503);
    await expect(okOutcome).resolves.toBe(true);
    await expect(failingOutcome).rejects.toEqual(new ServerErrorResponse(503));
    // writeHead is restored after the first call.
    expect(ok.writeHead).toBe(original);
    expect(onSlow).not.toHaveBeenCalled();
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(500);
    // Nothing undecided: the sweep stopped.
    expect(jest.getTimerCount()).toBe(0);
  });

  it('reports an unanswered request slow once, without failing it when it then answers', async () => {
    const onSlow = jest.fn();
    const watch = new ResponseWatch(1000, onSlow);
    const res = fakeResponse();
    const outcome = watch.watch(asResponse(res));
    jest.advanceTimersByTime(999);
    expect(onSlow).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1000);
    expect(onSlow).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(5000);
    res.writeHead(200);
    await expect(outcome).resolves.toBe(true);
    expect(onSlow).toHaveBeenCalledTimes(1);
  });

  it('reports a slow answer between two sweeps when it answers', async () => {
    const onSlow = jest.fn();
    const watch = new ResponseWatch(50, onSlow);
    const res = fakeResponse();
    const outcome = watch.watch(asResponse(res));
    jest.setSystemTime(Date.now() + 60); // past the timeout, no sweep ran yet
    res.writeHead(200);
    await expect(outcome).resolves.toBe(true);
    expect(onSlow).toHaveBeenCalledTimes(1);
  });

  it('does not count a caller that left early, and fails a request whose caller gave up past the timeout', async () => {
    const watch = new ResponseWatch(1000, () => {});
    const early = fakeResponse();
    const hung = fakeResponse();
    const earlyOutcome = watch.watch(asResponse(early));
    const hungOutcome = watch.watch(asResponse(hung));
    early.destroyed = true;
    jest.advanceTimersByTime(500);
    await expect(earlyOutcome).resolves.toBe(false);
    jest.advanceTimersByTime(1000); // hung is slow now
    hung.destroyed = true;
    jest.advanceTimersByTime(500);
    await expect(hungOutcome).rejects.toEqual(new ServerErrorResponse(0));
    expect(jest.getTimerCount()).toBe(0);
  });
});
