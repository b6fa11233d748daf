import { Response } from 'express';
import { ServerResponse } from 'node:http';

/** Rejects the breaker's action when a plugin answered with a server error (or never answered a slow request). */
export class ServerErrorResponse extends Error {
  constructor(readonly status: number) {
    super(
      status ? `responded ${status}` : 'no response before the caller left',
    );
  }
}

interface Watched {
  owner: ResponseWatch;
  res: Response;
  startedAt: number;
  slow: boolean;
  resolve: (counted: boolean) => void;
  reject: (error: ServerErrorResponse) => void;
}

/** The responses being watched; kept beside them, so that nothing is added to the response objects themselves. */
const watchedResponses = new WeakMap<ServerResponse, Watched>();
let hookInstalled = false;

/**
 * Decides the watched responses when their headers are written, through one hook on `ServerResponse.prototype`
 * (installed once, calling the `writeHead` it replaces) rather than a `writeHead` patched onto each response.
 *
 * Why: an own `writeHead` closure per response (what `on-headers` does) was most of the breaker's cost per request
 * in an express harness (helmet, cors, compression and logging as backend-defaults applies them, then the breaker):
 * the breaker cost +23–32 µs per request with it, +7–17 µs with this hook, +3–5 µs with no watch at all. The hook
 * costs one WeakMap lookup per response of the process. Node's HTTP/1
 * server writes every header block through `writeHead` (`_implicitHeader` calls it too), and per-response wrappers
 * installed later (compression's `on-headers`) call through to it.
 */
function installWriteHeadHook() {
  if (hookInstalled) return;
  hookInstalled = true;
  const writeHead = ServerResponse.prototype.writeHead;
  ServerResponse.prototype.writeHead = function writeHeadWatched(
    this: ServerResponse,
    statusCode: number,
  ) {
    const watched = watchedResponses.get(this);
    if (watched !== undefined) {
      watchedResponses.delete(this);
      watched.owner.decide(
        watched,
        typeof statusCode === 'number' ? statusCode : this.statusCode,
      );
    }
    // `arguments` rather than a rest parameter: no array per call on every response of the process.
    // eslint-disable-next-line prefer-rest-params
    return writeHead.apply(this, arguments as any);
  } as typeof writeHead;
}

/**
 * Watches one plugin's responses until their status is decided, i.e. until their headers are written: a status
 * >= 500 fails. Judging at header time keeps long-lived responses (server-sent events, downloads) from counting as
 * slow. Past `timeoutMs` a request is reported slow (`onSlow`) but not failed: a slow success under load is a
 * success. A caller that gives up on a request already past the timeout is a failure (the plugin hangs); one that
 * goes away earlier is not the plugin's failure and is not counted (resolves false).
 *
 * Why one sweep timer rather than a timer and a 'close' listener per request: this sits on every request of every
 * plugin, and a per-request timer, listener and closure showed as the largest part of the breaker's cost per request
 * (bench:stock --profile). The sweep runs only while some response is undecided, every `timeoutMs / 2` (at most once
 * a second): a request still unanswered is reported slow at most that much late (or when it answers, whichever
 * comes first), and one whose caller left is settled at the next sweep.
 */
export class ResponseWatch {
  private readonly pending = new Set<Watched>();
  private timer?: ReturnType<typeof setInterval>;
  private readonly sweepMs: number;

  constructor(
    private readonly timeoutMs: number,
    private readonly onSlow: () => void,
  ) {
    this.sweepMs = Math.min(1000, Math.max(10, Math.floor(timeoutMs / 2)));
    installWriteHeadHook();
  }

  /**
   * Resolves true once `res` has sent headers with a status below 500, false if its caller left before the timeout;
   * rejects with a {@link ServerErrorResponse} on a 5xx or a caller that left a request past the timeout.
   */
  watch(res: Response): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const watched: Watched = {
        owner: this,
        res,
        startedAt: Date.now(),
        slow: false,
        resolve,
        reject,
      };
      this.pending.add(watched);
      if (!this.timer) {
        this.timer = setInterval(() => this.sweep(), this.sweepMs);
        this.timer.unref?.();
      }
      watchedResponses.set(res, watched);
    });
  }

  /** Stops the sweep (backend shutdown). */
  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Called by the writeHead hook with the status being written (internal to this module). */
  decide(watched: Watched, status: number) {
    if (!this.pending.delete(watched)) return;
    if (!watched.slow && Date.now() - watched.startedAt >= this.timeoutMs)
      this.markSlow(watched);
    if (status >= 500) watched.reject(new ServerErrorResponse(status));
    else watched.resolve(true);
  }

  private markSlow(watched: Watched) {
    watched.slow = true;
    this.onSlow();
  }

  private sweep() {
    const now = Date.now();
    for (const watched of this.pending) {
      const { res } = watched;
      if (res.destroyed && !res.headersSent) {
        // The caller left (its connection is gone): judged by what was known at the previous sweep.
        this.pending.delete(watched);
        watchedResponses.delete(res);
        if (watched.slow) watched.reject(new ServerErrorResponse(0));
        else watched.resolve(false);
      } else if (!watched.slow && now - watched.startedAt >= this.timeoutMs) {
        this.markSlow(watched);
      }
    }
    if (this.pending.size === 0) this.stop();
  }
}
