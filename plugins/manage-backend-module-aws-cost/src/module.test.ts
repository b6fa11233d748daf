import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import {
  KpiProvider,
  manageKpiProvidersExtensionPoint,
} from '@internal/plugin-manage-node';
import { manageModuleAwsCost } from './module';

// A stand-in for the manage plugin that only records what modules add.
function recordingManagePlugin(added: KpiProvider[]) {
  return createBackendPlugin({
    pluginId: 'manage',
    register(env) {
      env.registerExtensionPoint(manageKpiProvidersExtensionPoint, {
        addProvider: (...p) => added.push(...p),
      });
      env.registerInit({ deps: {}, async init() {} });
    },
  });
}

describe('manageModuleAwsCost', () => {
  it('adds the provider with its schedule when configured', async () => {
    const added: KpiProvider[] = [];
    await startTestBackend({
      features: [
        recordingManagePlugin(added),
        manageModuleAwsCost,
        mockServices.rootConfig.factory({
          data: {
            manage: {
              providers: {
                awsCost: {
                  tagKey: 'backstage-entity',
                  schedule: {
                    frequency: { hours: 6 },
                    timeout: { minutes: 5 },
                  },
                },
              },
            },
          },
        }),
      ],
    });
    expect(added.map(p => [p.id, p.schedule.frequency])).toEqual([
      ['aws-cost', { hours: 6 }],
    ]);
  });

  it('adds nothing without its config', async () => {
    const added: KpiProvider[] = [];
    await startTestBackend({
      features: [recordingManagePlugin(added), manageModuleAwsCost],
    });
    expect(added).toEqual([]);
  });
});
