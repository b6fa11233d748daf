import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * What the infrastructure takes from the backend's own files, read at synth time so the two cannot drift:
 * the variables production refuses to start without, the shutdown timings and the image's start command.
 */
export const repoRoot = path.resolve(__dirname, '../..');

const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');

type Raw = Record<string, any>;

const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  milliseconds: 0.001,
  seconds: 1,
  minutes: 60,
};

/** A Backstage duration as app-config writes it ('15s', '500ms' or { seconds: 15 }), in seconds. */
export function durationSeconds(value: unknown, key: string): number {
  if (typeof value === 'string') {
    const match = value.trim().match(/^(\d+(?:\.\d+)?)\s*(ms|s|m)$/);
    if (match) return Number(match[1]) * UNIT_SECONDS[match[2]];
  } else if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Raw);
    if (
      entries.length > 0 &&
      entries.every(([k, v]) => k in UNIT_SECONDS && typeof v === 'number')
    )
      return entries.reduce((sum, [k, v]) => sum + v * UNIT_SECONDS[k], 0);
  }
  throw new Error(
    `app-config.production.yaml ${key}: cannot read ${JSON.stringify(
      value,
    )} as a duration (use '15s' or { seconds: 15 })`,
  );
}

export interface BackendSettings {
  /** backend.requiredEnvironment: production refuses to start while one of these is unset. */
  requiredEnvironment: string[];
  /** backend.lifecycle.serverShutdownDelay: readiness is 503 but the server still serves (LB deregistration). */
  shutdownDelaySeconds: number;
  /** backend.gracefulShutdown.drainTimeout: the longest in-flight requests may take to finish. */
  drainSeconds: number;
  /** backend.gracefulShutdown.exitTimeout: the backend exits on its own (code 1) at the latest after this. */
  exitSeconds: number;
  /** The Dockerfile's exec-form CMD (production). */
  imageCommand: string[];
}

export function readBackendSettings(): BackendSettings {
  const config: Raw = parse(read('app-config.production.yaml'));
  const backend: Raw = config?.backend ?? {};
  const required = backend.requiredEnvironment;
  if (
    !Array.isArray(required) ||
    !required.every(name => typeof name === 'string')
  )
    throw new Error(
      'app-config.production.yaml: backend.requiredEnvironment must be a list of variable names',
    );
  const cmd = [...read('Dockerfile').matchAll(/^CMD\s+(\[.*\])\s*$/gm)].pop();
  if (!cmd)
    throw new Error('Dockerfile: no exec-form CMD ["node", ...] line found');
  return {
    requiredEnvironment: required,
    shutdownDelaySeconds: durationSeconds(
      backend.lifecycle?.serverShutdownDelay ?? '0s',
      'backend.lifecycle.serverShutdownDelay',
    ),
    drainSeconds: durationSeconds(
      backend.gracefulShutdown?.drainTimeout,
      'backend.gracefulShutdown.drainTimeout',
    ),
    exitSeconds: durationSeconds(
      backend.gracefulShutdown?.exitTimeout,
      'backend.gracefulShutdown.exitTimeout',
    ),
    imageCommand: JSON.parse(cmd[1]),
  };
}

/**
 * ECS sends SIGTERM, then SIGKILL after the container's stopTimeout. The backend serves for serverShutdownDelay,
 * drains for at most drainTimeout and exits by itself at exitTimeout at the latest; stopTimeout leaves 3 s beyond
 * that so SIGKILL never cuts the drain or the pools' close.
 */
export function stopTimeoutSeconds(settings: BackendSettings): number {
  const drainEnds = settings.shutdownDelaySeconds + settings.drainSeconds;
  if (settings.exitSeconds < drainEnds)
    throw new Error(
      `app-config.production.yaml: gracefulShutdown.exitTimeout (${settings.exitSeconds} s) must cover ` +
        `serverShutdownDelay + drainTimeout (${drainEnds} s)`,
    );
  const seconds = Math.ceil(settings.exitSeconds) + 3;
  if (seconds > 120)
    throw new Error(
      `stopTimeout ${seconds} s exceeds Fargate's limit of 120 s: lower backend.gracefulShutdown.exitTimeout`,
    );
  return seconds;
}
