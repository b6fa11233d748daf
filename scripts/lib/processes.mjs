// Ports and child processes for the system tests: every spawned server gets a port the kernel says is free (so a
// running `yarn dev` or another test run cannot collide with it), and every spawned process is killed when the test
// script is interrupted (Ctrl-C, CI timeout) instead of being left running with its data folder.
import { execFileSync } from 'node:child_process';
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

/** Turns SIGINT/SIGTERM/SIGHUP into process.exit, so 'exit' handlers (killing children, cleaning up) always run. */
function exitOnSignals() {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const c of children) {
      try {
        c.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () =>
      process.exit(
        128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1),
      ),
    );
  }
}

/**
 * Registers a spawned ChildProcess so it is SIGKILLed if this script exits or is interrupted before it stops it.
 * Returns the child.
 */
export function killOnExit(child) {
  exitOnSignals();
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/**
 * Runs `fn` when the script exits, normally or interrupted; 'exit' handlers cannot wait, so `fn` must be
 * synchronous. Returns a function that cancels it (once the script has cleaned up itself).
 */
export function onExit(fn) {
  exitOnSignals();
  const handler = () => {
    try {
      fn();
    } catch (e) {
      console.error(`cleanup on exit failed: ${e.message}`);
    }
  };
  process.once('exit', handler);
  return () => process.off('exit', handler);
}

/** Drops a throwaway database of the local PostgreSQL synchronously (psql), for `onExit`. */
export function dropDatabaseSync(name) {
  execFileSync(
    'psql',
    [
      '-h',
      '127.0.0.1',
      '-U',
      'postgres',
      '-d',
      'postgres',
      '-qc',
      `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`,
    ],
    { stdio: 'ignore' },
  );
}
