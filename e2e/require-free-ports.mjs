// Exits 1 with a clear message when any of the given ports is already taken on this machine. The e2e run starts the
// portal on fixed ports (3000, 7007, from app-config.yaml); a portal or anything else already listening there would
// otherwise answer the tests with its own data and config. Usage: node require-free-ports.mjs 3000 7007
import net from 'node:net';

/** Something answers on 127.0.0.1:port. */
function answers(port) {
  return new Promise(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The port cannot be listened on (on every address, as the portal does). */
function unbindable(port) {
  return new Promise(resolve => {
    const server = net.createServer();
    server.once('error', () => resolve(true));
    server.listen(port, () => server.close(() => resolve(false)));
  });
}

const taken = async port => (await answers(port)) || (await unbindable(port));

const busy = [];
for (const port of process.argv.slice(2).map(Number)) {
  if (await taken(port)) busy.push(port);
}
if (busy.length) {
  console.error(
    `e2e: port ${busy.join(
      ', ',
    )} already in use (a running portal, \`yarn dev\` or another e2e run?). ` +
      'The e2e run starts its own portal on a throwaway data folder and never reuses a running one; stop it first.',
  );
  process.exit(1);
}
