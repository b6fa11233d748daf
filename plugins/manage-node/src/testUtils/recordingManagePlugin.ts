import {
  BackendFeature,
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';

type ConfigData = ConstructorParameters<typeof ConfigReader>[0];
import {
  type KpiProvider,
  manageKpiProvidersExtensionPoint,
} from '@internal/plugin-manage-node';

/**
 * A stand-in for the manage plugin, for a module's `startTestBackend`: it only records the KPI providers that
 * modules add, so a module test need not start the real plugin (and its database). With `providers`, the app
 * config is `{ manage: { providers } }`; without, the test backend's default (empty) config stays.
 *
 * @public
 */
export function recordingManagePlugin(options?: {
  providers?: { [name: string]: object };
}): {
  /** Pass to `startTestBackend` in place of the manage plugin. */
  features: BackendFeature[];
  /** The providers modules added, filled in as the backend starts. */
  added: KpiProvider[];
} {
  const added: KpiProvider[] = [];
  const features = [
    createBackendPlugin({
      pluginId: 'manage',
      register(env) {
        env.registerExtensionPoint(manageKpiProvidersExtensionPoint, {
          addProvider: (...providers) => added.push(...providers),
        });
        env.registerInit({ deps: {}, async init() {} });
      },
    }),
  ];
  const providers = options?.providers;
  if (providers) {
    features.push(
      createServiceFactory({
        service: coreServices.rootConfig,
        deps: {},
        factory: () =>
          new ConfigReader({ manage: { providers } } as ConfigData),
      }),
    );
  }
  return { features, added };
}
