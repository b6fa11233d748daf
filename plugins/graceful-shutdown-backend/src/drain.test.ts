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
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: hello\n\n'); // an event stream that never ends
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
