import { startTestBackend } from '@backstage/backend-test-utils';
import { githubOrgEntityProviderTransformsExtensionPoint } from '@backstage/plugin-catalog-backend-module-github-org';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { catalogModuleGithubOrgShape } from './module';
import { tribeSquadTeamTransformer } from './transformer';

describe('catalogModuleGithubOrgShape', () => {
  it('sets the tribe/squad team transformer and leaves users to upstream', async () => {
    const transforms = {
      setTeamTransformer: jest.fn(),
      setUserTransformer: jest.fn(),
    };
    await startTestBackend({
      extensionPoints: [
        [githubOrgEntityProviderTransformsExtensionPoint, transforms],
      ],
      features: [
        catalogModuleGithubOrgShape,
        // The module belongs to the catalog plugin; a bare stand-in for it is enough here.
        createBackendPlugin({
          pluginId: 'catalog',
          register(reg) {
            reg.registerInit({ deps: {}, async init() {} });
          },
        }),
      ],
    });
    expect(transforms.setTeamTransformer).toHaveBeenCalledTimes(1);
    expect(transforms.setTeamTransformer).toHaveBeenCalledWith(
      tribeSquadTeamTransformer,
    );
    expect(transforms.setUserTransformer).not.toHaveBeenCalled();
  });
});
