import {
  BackendFeature,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  type KpiProvider,
  manageKpiProvidersExtensionPoint,
} from '@internal/plugin-manage-node';

/**
 * A stand-in for the manage plugin, for a module's `startTestBackend`: it only records the KPI providers that
 * modules add, so a module test need not start the real plugin (and its database).
 *
 * @public
 */
export function recordingManagePlugin(): {
  /** Pass to `startTestBackend` in place of the manage plugin. */
  feature: BackendFeature;
  /** The providers modules added, filled in as the backend starts. */
  added: KpiProvider[];
} {
  const added: KpiProvider[] = [];
  const feature = createBackendPlugin({
    pluginId: 'manage',
    register(env) {
      env.registerExtensionPoint(manageKpiProvidersExtensionPoint, {
        addProvider: (...providers) => added.push(...providers),
      });
      env.registerInit({ deps: {}, async init() {} });
    },
  });
  return { feature, added };
}
