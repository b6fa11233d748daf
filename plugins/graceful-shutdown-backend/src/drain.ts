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
  // Tracked per connection, not per request: nothing runs on the request path until the drain starts. Node keeps
  // the response a connection is serving in `socket._httpMessage` (from the request's arrival until the response
  // has been flushed; a pipelined request's response takes its place then), so the requests in flight are the
  // connections' current responses.
  const sockets = new Set<Socket>();
  let drained: Promise<void> | undefined;

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  function responsesInFlight(): ServerResponse[] {
    const responses: ServerResponse[] = [];
    for (const socket of sockets) {
      const res = (socket as Socket & { _httpMessage?: ServerResponse | null })
        ._httpMessage;
      if (res) responses.push(res);
    }
    return responses;
  }

  /** Ends the open-ended waits in flight (see isOpenEndedWait); returns how many. */
  function endOpenEndedWaits() {
    let ended = 0;
    for (const res of responsesInFlight()) {
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
    // First in line, so the Connection header is set before any handler can send the response: a request on a
    // kept-alive connection during the drain is served, but the client must reconnect elsewhere.
    server.prependListener('request', (_req, res) => {
      if (!res.headersSent) res.setHeader('Connection', 'close');
    });
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
      `Shutdown: stopped accepting connections; draining ${
        responsesInFlight().length
      } in-flight request(s)${
        waits ? ` (ended ${waits} event stream(s) and long poll(s))` : ''
      }`,
    );
    const started = Date.now();
    const deadline = started + drainTimeoutMs;
    while (responsesInFlight().length > 0 && Date.now() < deadline) {
      await sleep(50);
      // One that started waiting since (a request on a kept-alive connection).
      endOpenEndedWaits();
    }
    const left = responsesInFlight().length;
    if (left > 0) {
      logger.warn(
        `Shutdown: ${left} request(s) still in flight after ${drainTimeoutMs} ms; closing their connections`,
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
    inFlight: () => responsesInFlight().length,
  };
}

function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}
