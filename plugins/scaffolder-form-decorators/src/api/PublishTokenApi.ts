import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
  OAuthApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';

/**
 * Gets a token that lets the signed-in user's tasks publish repositories.
 *
 * @public
 */
export interface PublishTokenApi {
  getPublishToken(): Promise<string>;
}

/** @public */
export const publishTokenApiRef = createApiRef<PublishTokenApi>({
  id: 'internal.scaffolder.publish-token',
});

/**
 * Where the local git remotes are configured (development and tests), a short-lived token from the scaffolder
 * backend (`GET /api/scaffolder/local-git/publish-token`); otherwise (production) the user's own GitHub token with
 * the `repo` scope, asking for consent if needed.
 *
 * @public
 */
export class PublishTokenClient implements PublishTokenApi {
  constructor(
    private readonly deps: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
      githubAuthApi: OAuthApi;
    },
  ) {}

  async getPublishToken(): Promise<string> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('scaffolder');
    const response = await this.deps.fetchApi.fetch(
      `${baseUrl}/local-git/publish-token`,
    );
    if (response.ok) {
      return (await response.json()).token;
    }
    if (response.status !== 404) {
      throw await ResponseError.fromResponse(response);
    }
    return this.deps.githubAuthApi.getAccessToken(['repo']);
  }
}
