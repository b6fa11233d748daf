// Ports and child processes for the system tests: every spawned server gets a port the kernel says is free (so a
// running `yarn dev` or another test run cannot collide with it), and every spawned process is killed when the test
// script is interrupted (Ctrl-C, CI timeout) instead of being left running with its data folder.
import net from 'node:net';

/** A TCP port that is free on 127.0.0.1 right now (the kernel picks it). */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** `n` distinct free ports. */
export async function freePorts(n) {
  const ports = new Set();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

const children = new Set();
let hooked = false;

/**
 * Registers a spawned ChildProcess so it is SIGKILLed if this script exits or is interrupted before it stops it.
 * Returns the child.
 */
export function killOnExit(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (!hooked) {
    hooked = true;
    const killAll = () => {
      for (const c of children) {
        try {
          c.kill('SIGKILL');
        } catch {
          // already gone
        }
      }
    };
    process.once('exit', killAll);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
      process.once(signal, () => {
        killAll();
        process.exit(
          128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1),
        );
      });
    }
  }
  return child;
}
