import {
  BackendFeature,
  coreServices,
  createBackendFeatureLoader,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';

/**
 * A development or test feature: a devDependency of the backend, so it is in neither the backend bundle nor the
 * production image (the image test greps the production install for it). It is loaded only when `wanted` says the
 * config asks for it.
 */
export interface DevOnlyFeature {
  packageName: string;
  /** The config key that asks for the feature, named in the error when the package is not installed. */
  configKey: string;
  wanted(config: Config): boolean;
  load(): Promise<{ default: BackendFeature }>;
}

/* eslint-disable @backstage/no-undeclared-imports -- dev-only on purpose: devDependencies, never installed in production */
export const DEV_ONLY_FEATURES: DevOnlyFeature[] = [
  {
    // The local git publish target of the templates (development, e2e, recovery and replicas tests).
    packageName: '@internal/plugin-scaffolder-backend-module-local-git',
    configKey: 'scaffolder.localGit',
    wanted: config => config.has('scaffolder.localGit'),
    load: () => import('@internal/plugin-scaffolder-backend-module-local-git'),
  },
  {
    // A plugin that always fails, so the e2e tests can open a real circuit breaker (e2e/app-config.e2e.yaml).
    packageName: '@internal/plugin-fault-injection-backend',
    configKey: 'backend.circuitBreaker.faultInjection',
    wanted: config =>
      config.getOptionalBoolean('backend.circuitBreaker.faultInjection') ===
      true,
    load: () => import('@internal/plugin-fault-injection-backend'),
  },
  {
    // KPI providers that fail or report nothing, so the e2e tests show the manage tiles' stale and failed states.
    packageName: '@internal/plugin-manage-backend-module-fault-injection',
    configKey: 'manage.faultInjection',
    wanted: config => config.has('manage.faultInjection'),
    load: () =>
      import('@internal/plugin-manage-backend-module-fault-injection'),
  },
];
/* eslint-enable @backstage/no-undeclared-imports */

/**
 * Loads the features of `features` the config asks for. A config asking for one whose package is not installed
 * (the production image) stops the start with an error naming the key and the package, rather than running
 * without it.
 */
export function devOnlyFeatureLoader(
  features: DevOnlyFeature[] = DEV_ONLY_FEATURES,
) {
  return createBackendFeatureLoader({
    deps: { config: coreServices.rootConfig },
    async *loader({ config }) {
      for (const feature of features) {
        if (!feature.wanted(config)) continue;
        yield await feature.load().catch(error => {
          if (isNotInstalled(error, feature.packageName)) {
            throw new Error(
              `${feature.configKey} is set, but ${feature.packageName} is not installed: it is a development and ` +
                `test package, never part of the production image. Remove ${feature.configKey} from the config.`,
            );
          }
          throw error;
        });
      }
    },
  });
}

function isNotInstalled(error: unknown, packageName: string) {
  const { code, message } = (error ?? {}) as {
    code?: string;
    message?: string;
  };
  return (
    (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') &&
    (message ?? '').includes(`'${packageName}'`)
  );
}
