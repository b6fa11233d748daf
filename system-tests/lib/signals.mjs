// Probes of the signals plugin's websocket (`/api/signals`), as a browser would open it: the token, when there is one,
// travels as the websocket subprotocol (browsers cannot set headers on an upgrade). Used by the image test to pin
// what upstream signals-backend (0.3.x) does with a connection that carries no token.
import http from 'node:http';

/**
 * A raw upgrade request to /api/signals; resolves with the HTTP status (101 when upgraded). `token` is sent as
 * Sec-WebSocket-Protocol, as the frontend's signals client does.
 */
export function upgradeStatus(base, token) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/api/signals`, {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': Buffer.from('sixteen-byte-key').toString('base64'),
        ...(token ? { 'Sec-WebSocket-Protocol': token } : {}),
      },
    });
    req.on('response', res => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on('error', e => reject(e));
    req.setTimeout(3_000, () => req.destroy(new Error('no answer in 3 s')));
    req.end();
  });
}

/**
 * Opens a websocket without a token and subscribes to `channel`; resolves with { messages (parsed, as received),
 * close() } once subscribed, or rejects if the upgrade is refused.
 */
export function anonymousSubscription(base, channel) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/api/signals`);
    const messages = [];
    ws.addEventListener('message', e => messages.push(JSON.parse(e.data)));
    ws.addEventListener('error', () =>
      reject(new Error('the websocket upgrade was refused or failed')),
    );
    ws.addEventListener('open', () => {
      ws.send(JSON.stringify({ action: 'subscribe', channel }));
      resolve({ messages, close: () => ws.close() });
    });
  });
}
