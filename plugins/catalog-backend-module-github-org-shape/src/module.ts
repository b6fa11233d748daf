import { createBackendModule } from '@backstage/backend-plugin-api';
import { githubOrgEntityProviderTransformsExtensionPoint } from '@backstage/plugin-catalog-backend-module-github-org';
import { tribeSquadTeamTransformer } from './transformer';

/**
 * Sets the team transformer of `@backstage/plugin-catalog-backend-module-github-org` (which must be added to the
 * backend too): GitHub's nested teams become tribes and squads.
 *
 * @public
 */
export const catalogModuleGithubOrgShape = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'github-org-shape',
  register(reg) {
    reg.registerInit({
      deps: { transforms: githubOrgEntityProviderTransformsExtensionPoint },
      async init({ transforms }) {
        transforms.setTeamTransformer(tribeSquadTeamTransformer);
      },
    });
  },
});
