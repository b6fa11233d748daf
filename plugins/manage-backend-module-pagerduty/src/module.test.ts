import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  KpiProvider,
  manageKpiProvidersExtensionPoint,
} from '@internal/plugin-manage-node';
import { manageModulePagerDuty } from './module';

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

const schedule = { frequency: { hours: 1 }, timeout: { minutes: 5 } };

describe('manageModulePagerDuty', () => {
  it('adds the provider with its schedule when configured', async () => {
    const added: KpiProvider[] = [];
    await startTestBackend({
      features: [
        recordingManagePlugin(added),
        manageModulePagerDuty,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: {
            manage: { providers: { pagerduty: { token: 't', schedule } } },
          },
        }),
      ],
    });
    expect(added.map(p => [p.id, p.schedule.frequency])).toEqual([
      ['pagerduty', { hours: 1 }],
    ]);
  });

  it('adds nothing without its config', async () => {
    const added: KpiProvider[] = [];
    await startTestBackend({
      features: [
        recordingManagePlugin(added),
        manageModulePagerDuty,
        catalogServiceMock.factory(),
      ],
    });
    expect(added).toEqual([]);
  });

  it('refuses a window PagerDuty would refuse', async () => {
    await expect(
      startTestBackend({
        features: [
          recordingManagePlugin([]),
          manageModulePagerDuty,
          catalogServiceMock.factory(),
          mockServices.rootConfig.factory({
            data: {
              manage: {
                providers: { pagerduty: { token: 't', months: 12, schedule } },
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow(/months must be a whole number from 1 to 6, got 12/);
  });
});
