import { startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { recordingManagePlugin } from '@internal/plugin-manage-node/testUtils';
import { manageModuleGithubSecurity } from './module';

// The providers the module adds to a stand-in manage plugin, given `manage.providers.githubSecurity`.
async function providersAdded(githubSecurity?: object) {
  const manage = recordingManagePlugin({
    providers: githubSecurity && { githubSecurity },
  });
  await startTestBackend({
    features: [
      ...manage.features,
      manageModuleGithubSecurity,
      catalogServiceMock.factory(),
    ],
  });
  return manage.added.map(p => [p.id, p.schedule.frequency]);
}

describe('manageModuleGithubSecurity', () => {
  it('adds the provider with its schedule when configured', async () => {
    const schedule = { frequency: { hours: 1 }, timeout: { minutes: 5 } };
    await expect(providersAdded({ schedule })).resolves.toEqual([
      ['github-security', { hours: 1 }],
    ]);
  });

  it('adds nothing without its config', async () => {
    await expect(providersAdded()).resolves.toEqual([]);
  });
});
