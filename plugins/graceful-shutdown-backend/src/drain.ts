import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** The events bus (@backstage/plugin-events-backend) answers an idle long poll with 202 and this header. */
const EVENTS_NOTIFY_TIMEOUT_HEADER = 'backstage-events-notify-timeout';

/**
 * A response that is waiting for something to happen rather than working: an event stream, or the events bus's
 * long poll (202, held open for up to 55 s until an event arrives). Both have sent their headers; ending them is
 * what the protocol expects (the client reconnects or polls again: elsewhere, once this replica is out of the
 * load balancer), so the drain ends them at once instead of waiting for them until its deadline.
 */
export function isOpenEndedWait(res: ServerResponse): boolean {
  if (!res.headersSent || res.writableEnded) return false;
  // The header block as sent, not getHeader(): headers given to writeHead(status, headers) alone never reach
  // getHeader() (the scaffolder's task event stream is written that way).
  const sent = (res as unknown as { _header?: string | null })._header ?? '';
  return (
    /^content-type:\s*text\/event-stream/im.test(sent) ||
    (res.statusCode === 202 &&
      new RegExp(`^${EVENTS_NOTIFY_TIMEOUT_HEADER}:`, 'im').test(sent))
  );
}

/**
 * Options of {@link createServerDrainer}.
 *
 * @public
 */
export interface ServerDrainerOptions {
  /** Wait this long before closing the listener (load balancer deregistration); requests are served meanwhile. */
  delayMs: number;
  /** How long in-flight requests may take to finish once the listener is closed. */
  drainTimeoutMs: number;
  logger: LoggerService;
  /** Runs after the delay, before the listener closes (addBeforeServerCloseHook); bounds its own duration. */
  beforeClose?: () => Promise<void>;
}

/**
 * Tracks the requests and sockets of `server` so that `drain()` can stop it gracefully: stop accepting connections,
 * let the requests in flight finish (answering them with `Connection: close`), and close whatever is still open at
 * the deadline, including sockets upgraded to websockets, which `server.close()` would otherwise wait for forever.
 * `drain()` is idempotent: every call returns the same promise.
 *
 * @public
 */
export function createServerDrainer(
  server: Server,
  options: ServerDrainerOptions,
) {
  const sockets = new Set<Socket>();
  const responses = new Set<ServerResponse>();
  let inFlight = 0;
  let draining = false;
  let drained: Promise<void> | undefined;

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // First in line, so the Connection header is set before any handler can send the response.
  server.prependListener('request', (_req, res) => {
    inFlight++;
    responses.add(res);
    // A request on a kept-alive connection during the drain is served, but the client must reconnect elsewhere.
    if (draining && !res.headersSent) res.setHeader('Connection', 'close');
    res.once('close', () => {
      inFlight--;
      responses.delete(res);
    });
  });

  /** Ends the open-ended waits in flight (see isOpenEndedWait); returns how many. */
  function endOpenEndedWaits() {
    let ended = 0;
    for (const res of responses) {
      if (isOpenEndedWait(res)) {
        // A later write by its handler is dropped (Node returns false; no 'error' is emitted).
        res.end();
        ended++;
      }
    }
    return ended;
  }

  async function run() {
    const { logger, delayMs, drainTimeoutMs } = options;
    draining = true;
    if (delayMs > 0) {
      logger.info(`Shutdown: serving for ${delayMs} ms more before closing`);
      await sleep(delayMs);
    }
    await options.beforeClose?.();
    const closed = new Promise<void>(resolve => {
      // ERR_SERVER_NOT_RUNNING (already closed) is as good as closed.
      server.close(() => resolve());
    });
    const waits = endOpenEndedWaits();
    logger.info(
      `Shutdown: stopped accepting connections; draining ${inFlight} in-flight request(s)${
        waits ? ` (ended ${waits} event stream(s) and long poll(s))` : ''
      }`,
    );
    const started = Date.now();
    const deadline = started + drainTimeoutMs;
    while (inFlight > 0 && Date.now() < deadline) {
      await sleep(50);
      // One that started waiting since (a request on a kept-alive connection).
      endOpenEndedWaits();
    }
    if (inFlight > 0) {
      logger.warn(
        `Shutdown: ${inFlight} request(s) still in flight after ${drainTimeoutMs} ms; closing their connections`,
      );
    } else {
      logger.info(
        `Shutdown: in-flight requests finished in ${Date.now() - started} ms`,
      );
    }
    // Idle keep-alive connections, plus, at the deadline, the remaining ones (streams, websockets).
    for (const socket of sockets) socket.destroy();
    await closed;
  }

  return {
    drain(): Promise<void> {
      drained ??= run();
      return drained;
    },
    /** Requests currently being served (for tests and logs). */
    inFlight: () => inFlight,
  };
}

function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}
