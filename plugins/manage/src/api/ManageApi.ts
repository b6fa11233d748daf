import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { TeamSummary } from '@internal/plugin-manage-common';

/**
 * The manage backend, `/api/manage`.
 *
 * @public
 */
export interface ManageApi {
  getTeamSummary(groupRef: string): Promise<TeamSummary>;
}

/** @public */
export const manageApiRef = createApiRef<ManageApi>({
  id: 'plugin.manage.api',
});

/** @public */
export class ManageClient implements ManageApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  async getTeamSummary(groupRef: string): Promise<TeamSummary> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('manage');
    const response = await this.deps.fetchApi.fetch(
      `${baseUrl}/teams/${encodeURIComponent(groupRef)}/summary`,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }
}
