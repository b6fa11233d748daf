import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  KpiProvider,
  manageKpiProvidersExtensionPoint,
} from '@internal/plugin-manage-node';
import { manageModuleGithubSecurity } from './module';

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

describe('manageModuleGithubSecurity', () => {
  it('adds the provider with its schedule when configured', async () => {
    const added: KpiProvider[] = [];
    await startTestBackend({
      features: [
        recordingManagePlugin(added),
        manageModuleGithubSecurity,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: { manage: { providers: { githubSecurity: { schedule } } } },
        }),
      ],
    });
    expect(added.map(p => [p.id, p.schedule.frequency])).toEqual([
      ['github-security', { hours: 1 }],
    ]);
  });

  it('adds nothing without its config', async () => {
    const added: KpiProvider[] = [];
    await startTestBackend({
      features: [
        recordingManagePlugin(added),
        manageModuleGithubSecurity,
        catalogServiceMock.factory(),
      ],
    });
    expect(added).toEqual([]);
  });
});
