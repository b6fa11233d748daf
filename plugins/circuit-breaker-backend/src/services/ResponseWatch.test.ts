import { Response } from 'express';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { ResponseWatch, ServerErrorResponse } from './ResponseWatch';

/** A real response (the watch hooks ServerResponse.prototype.writeHead), not attached to a connection. */
function serverResponse() {
  return new ServerResponse(new IncomingMessage(new Socket()));
}
const asResponse = (res: ServerResponse) => res as unknown as Response;

describe('ResponseWatch', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('resolves at header time below 500 and rejects a server error', async () => {
    const onSlow = jest.fn();
    const watch = new ResponseWatch(1000, onSlow);
    const ok = serverResponse();
    const failing = serverResponse();
    const okOutcome = watch.watch(asResponse(ok));
    const failingOutcome = watch.watch(asResponse(failing));
    ok.writeHead(404);
    failing.writeHead(503);
    await expect(okOutcome).resolves.toBe(true);
    await expect(failingOutcome).rejects.toEqual(new ServerErrorResponse(503));
    // Nothing is added to the response itself, and its headers are written as usual.
    expect(Object.hasOwn(ok, 'writeHead')).toBe(false);
    expect(ok.headersSent).toBe(true);
    expect(ok.statusCode).toBe(404);
    expect(onSlow).not.toHaveBeenCalled();
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(500);
    // Nothing undecided: the sweep stopped.
    expect(jest.getTimerCount()).toBe(0);
  });

  it('reports an unanswered request slow once, without failing it when it then answers', async () => {
    const onSlow = jest.fn();
    const watch = new ResponseWatch(1000, onSlow);
    const res = serverResponse();
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
    const res = serverResponse();
    const outcome = watch.watch(asResponse(res));
    jest.setSystemTime(Date.now() + 60); // past the timeout, no sweep ran yet
    res.writeHead(200);
    await expect(outcome).resolves.toBe(true);
    expect(onSlow).toHaveBeenCalledTimes(1);
  });

  it('does not count a caller that left early, and fails a request whose caller gave up past the timeout', async () => {
    const watch = new ResponseWatch(1000, () => {});
    const early = serverResponse();
    const hung = serverResponse();
    const earlyOutcome = watch.watch(asResponse(early));
    const hungOutcome = watch.watch(asResponse(hung));
    early.destroy();
    jest.advanceTimersByTime(500);
    await expect(earlyOutcome).resolves.toBe(false);
    jest.advanceTimersByTime(1000); // hung is slow now
    hung.destroy();
    jest.advanceTimersByTime(500);
    await expect(hungOutcome).rejects.toEqual(new ServerErrorResponse(0));
    expect(jest.getTimerCount()).toBe(0);
  });

  it('decides a status set before an implicit header write (res.end), and leaves unwatched responses alone', async () => {
    const watch = new ResponseWatch(1000, () => {});
    const res = serverResponse();
    const outcome = watch.watch(asResponse(res));
    res.statusCode = 502;
    res.end();
    await expect(outcome).rejects.toEqual(new ServerErrorResponse(502));
    const other = serverResponse();
    other.writeHead(500);
    expect(other.headersSent).toBe(true);
    jest.advanceTimersByTime(1000);
    expect(jest.getTimerCount()).toBe(0);
  });
});
