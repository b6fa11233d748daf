import { mockServices } from '@backstage/backend-test-utils';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServerDrainer } from './drain';

// fetch (undici) reports a refused connection as TypeError('fetch failed') with the socket error as its cause.
const refused = {
  message: 'fetch failed',
  cause: expect.objectContaining({ code: 'ECONNREFUSED' }),
};

function startServer(handler: http.RequestListener) {
  const server = http.createServer(handler);
  return new Promise<{ server: http.Server; url: string }>(resolve =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      }),
    ),
  );
}

describe('createServerDrainer', () => {
  const logger = mockServices.logger.mock();

  it('lets an in-flight request finish, then refuses new connections', async () => {
    const { server, url } = await startServer((req, res) => {
      const ms = req.url === '/slow' ? 1500 : 0;
      setTimeout(() => res.end(`done ${req.url}`), ms);
    });
    const drainer = createServerDrainer(server, {
      delayMs: 0,
      drainTimeoutMs: 10_000,
      logger,
    });
    const slow = fetch(`${url}/slow`).then(r => r.text());
    while (drainer.inFlight() === 0) await new Promise(r => setTimeout(r, 20));
    expect(drainer.inFlight()).toBe(1);
    const drained = drainer.drain();
    expect(drainer.drain()).toBe(drained);
    await new Promise(r => setTimeout(r, 100));
    await expect(fetch(`${url}/new`)).rejects.toMatchObject(refused);
    await expect(slow).resolves.toBe('done /slow');
    await drained;
    expect(server.listening).toBe(false);
  });

  it('closes requests still open at the deadline', async () => {
    const { server, url } = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write('first chunk'); // a download that never ends
    });
    const drainer = createServerDrainer(server, {
      delayMs: 0,
      drainTimeoutMs: 300,
      logger,
    });
    const stream = await fetch(url);
    const body = stream.text();
    const started = Date.now();
    await drainer.drain();
    expect(Date.now() - started).toBeLessThan(2_000);
    // The server closed the socket mid-body: undici ends the stream with 'terminated', the socket error as cause.
    await expect(body).rejects.toMatchObject({
      message: 'terminated',
      cause: expect.objectContaining({ code: 'UND_ERR_SOCKET' }),
    });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('still in flight'),
    );
  });

  it('ends event streams and the events bus long poll at once, then waits for the rest', async () => {
    // Its own logger: the shared one has seen the deadline warning of the test before.
    const drainLogger = mockServices.logger.mock();
    const { server, url } = await startServer((req, res) => {
      if (req.url === '/stream') {
        // Headers through writeHead alone, as the scaffolder's task event stream sends them.
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: hello\n\n'); // an event stream that never ends
        // A late event, after the drain has ended the stream: dropped, the process does not crash.
        setTimeout(() => res.write('data: late\n\n'), 500);
      } else if (req.url === '/poll') {
        // As @backstage/plugin-events-backend answers a subscription without events: 202, held open until one comes.
        res.setHeader('backstage-events-notify-timeout', '55000');
        res.statusCode = 202;
        res.flushHeaders();
      } else {
        setTimeout(() => res.end('done'), 1000);
      }
    });
    const drainer = createServerDrainer(server, {
      delayMs: 0,
      drainTimeoutMs: 10_000,
      logger: drainLogger,
    });
    const stream = await fetch(`${url}/stream`);
    const poll = await fetch(`${url}/poll`);
    const slow = fetch(`${url}/slow`).then(r => r.text());
    while (drainer.inFlight() < 3) await new Promise(r => setTimeout(r, 20));
    const started = Date.now();
    await drainer.drain();
    // Not the 10 s deadline: only the slow request was waited for.
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect(stream.text()).resolves.toBe('data: hello\n\n');
    expect(poll.status).toBe(202);
    await expect(poll.text()).resolves.toBe('');
    await expect(slow).resolves.toBe('done');
    expect(drainLogger.info).toHaveBeenCalledWith(
      'Shutdown: stopped accepting connections; draining 3 in-flight request(s) (ended 2 event stream(s) and long poll(s))',
    );
    expect(drainLogger.warn).not.toHaveBeenCalled();
  });

  it('serves during the shutdown delay', async () => {
    const { server, url } = await startServer((_req, res) => res.end('ok'));
    const drainer = createServerDrainer(server, {
      delayMs: 500,
      drainTimeoutMs: 1000,
      logger,
    });
    const drained = drainer.drain();
    // node:http rather than fetch, which hides hop-by-hop headers such as Connection.
    const headers = await new Promise<http.IncomingHttpHeaders>(
      (resolve, reject) =>
        http
          .get(url, res => {
            res.resume();
            resolve(res.headers);
          })
          .on('error', reject),
    );
    expect(headers.connection).toBe('close');
    await drained;
    await expect(fetch(url)).rejects.toMatchObject(refused);
  });
});
