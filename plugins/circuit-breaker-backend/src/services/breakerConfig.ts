import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { BreakerSettings } from '@internal/plugin-circuit-breaker-common';

/** Settings used when app-config says nothing: generous enough that a healthy plugin never trips. */
export const DEFAULT_BREAKER_SETTINGS: Readonly<BreakerSettings> = {
  timeout: 10_000,
  errorThresholdPercentage: 50,
  resetTimeout: 30_000,
  volumeThreshold: 10,
  rollingCountTimeout: 10_000,
  minFailingCallers: 3,
};

const SETTING_KEYS = Object.keys(DEFAULT_BREAKER_SETTINGS) as Array<
  keyof BreakerSettings
>;
const ROOT = 'backend.circuitBreaker';

/** What the breaker of one plugin runs with: `undefined` settings mean the plugin is exempt. */
export interface PluginBreakerConfig {
  enabled: boolean;
  settings: BreakerSettings;
}

function readSettings(
  config: Config | undefined,
  path: string,
): Partial<BreakerSettings> {
  const settings: Partial<BreakerSettings> = {};
  if (!config) return settings;
  for (const key of SETTING_KEYS) {
    const value = config.getOptionalNumber(key);
    if (value === undefined) continue;
    // The config schema rejects these at start-up; this guards direct callers (tests, other loaders).
    if (
      !Number.isFinite(value) ||
      value < 0 ||
      (key === 'errorThresholdPercentage' && value > 100) ||
      (key === 'minFailingCallers' && value < 1)
    ) {
      throw new InputError(`Invalid ${path}.${key}: ${value}`);
    }
    settings[key] = value;
  }
  return settings;
}

/**
 * Reads `backend.circuitBreaker` for one plugin: built-in defaults, then `defaults`, then `plugins.<pluginId>`,
 * each overriding only the keys it sets.
 */
export function readPluginBreakerConfig(
  rootConfig: Config,
  pluginId: string,
): PluginBreakerConfig {
  const root = rootConfig.getOptionalConfig(ROOT);
  const own = root?.getOptionalConfig(`plugins.${pluginId}`);
  const settings: BreakerSettings = {
    ...DEFAULT_BREAKER_SETTINGS,
    ...readSettings(root?.getOptionalConfig('defaults'), `${ROOT}.defaults`),
    ...readSettings(own, `${ROOT}.plugins.${pluginId}`),
  };
  const enabled =
    (root?.getOptionalBoolean('enabled') ?? true) &&
    (own?.getOptionalBoolean('enabled') ?? true);
  return { enabled, settings };
}
