// A throwaway Redis for the system tests, as they make a throwaway PostgreSQL database: Debian's `redis-server`
// (scripts/bootstrap.sh installs it) on a free port of 127.0.0.1, its files in a temporary folder, no persistence,
// killed and removed when the test script exits or is interrupted. The production config keeps its cache there
// (backend.cache, REDIS_URL), so every test starting the production config gets a real one.
//   const redis = await startRedis();   // → { url, port, dir, child, stop() }
//   testRedisUrl()                      // one Redis per test process, started on first use (synchronous)
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, killOnExit, onExit } from './backend.mjs';

const REDIS_SERVER = '/usr/bin/redis-server';

function spawnRedis(port) {
  if (!existsSync(REDIS_SERVER))
    throw new Error(
      `${REDIS_SERVER} is missing: run scripts/bootstrap.sh with BOOTSTRAP_REDIS=1 (apt-get install redis-server)`,
    );
  const dir = mkdtempSync(path.join(tmpdir(), 'redis-test-'));
  const child = killOnExit(
    spawn(
      REDIS_SERVER,
      // A cache, not a store: nothing written to disk; no password, bound to loopback only.
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    ),
  );
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  const cancel = onExit(removeDir);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    child,
    /** Stops the server (SIGTERM) and removes its folder. */
    stop: () =>
      new Promise(resolve => {
        const done = () => {
          removeDir();
          cancel();
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}

/** PING over a raw socket until the server answers PONG. */
async function waitForPong(port, child, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(
        `redis-server exited (${child.exitCode}) on port ${port}`,
      );
    const pong = await new Promise(resolve => {
      const s = net.connect(port, '127.0.0.1');
      s.setTimeout(500, () => s.destroy());
      s.on('error', () => resolve(false));
      s.on('close', () => resolve(false));
      s.on('data', d => {
        resolve(String(d).startsWith('+PONG'));
        s.destroy();
      });
      s.on('connect', () => s.write('PING\r\n'));
    });
    if (pong) return;
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer PING`);
}

/** Starts a Redis on a free port and resolves once it answers PING. */
export async function startRedis() {
  const redis = spawnRedis(await freePort());
  await waitForPong(redis.port, redis.child);
  return redis;
}

let shared;
/**
 * The URL of one Redis for this whole test process, started on the first call. Synchronous, so that
 * `productionEnv()` can give every production-config backend a real cache: the port is picked by a child node
 * process, and Redis is listening long before a backend started afterwards connects (it retries anyway).
 */
export function testRedisUrl() {
  if (!shared || shared.child.exitCode !== null) {
    const port = Number(
      execFileSync(process.execPath, [
        '-e',
        "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})",
      ]),
    );
    shared = spawnRedis(port);
    // Not a handle that keeps a test script alive: it is killed when the script exits.
    shared.child.unref();
  }
  return shared.url;
}
