import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  BurnupResponse,
  EntityMigrationItem,
  EntityMigrationsResponse,
  LeaderboardResponse,
  MigrationEntitiesResponse,
  MigrationEntity,
  MigrationListResponse,
  MigrationSummary,
} from '@internal/plugin-tech-migrations-common';

/**
 * Reads `/api/tech-migrations`.
 *
 * @public
 */
export interface TechMigrationsApi {
  listMigrations(): Promise<MigrationListResponse>;
  getMigration(id: string): Promise<MigrationSummary>;
  getLeaderboard(id: string): Promise<LeaderboardResponse>;
  getBurnup(id: string, teamRef?: string): Promise<BurnupResponse>;
  getEntities(id: string, status?: string): Promise<MigrationEntity[]>;
  getEntityItems(entityRef: string): Promise<EntityMigrationItem[]>;
  getTeamItems(groupRef: string): Promise<EntityMigrationItem[]>;
}

/** @public */
export const techMigrationsApiRef = createApiRef<TechMigrationsApi>({
  id: 'plugin.tech-migrations.api',
});

/** @public */
export class TechMigrationsClient implements TechMigrationsApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  private async get<T>(
    path: string,
    query?: Record<string, string | undefined>,
  ): Promise<T> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('tech-migrations');
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== undefined) params.set(k, v);
    }
    const qs = params.toString();
    const response = await this.deps.fetchApi.fetch(
      `${baseUrl}${path}${qs ? `?${qs}` : ''}`,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  listMigrations() {
    return this.get<MigrationListResponse>('/migrations');
  }

  async getMigration(id: string) {
    return (
      await this.get<{ migration: MigrationSummary }>(
        `/migrations/${encodeURIComponent(id)}`,
      )
    ).migration;
  }

  getLeaderboard(id: string) {
    return this.get<LeaderboardResponse>(
      `/migrations/${encodeURIComponent(id)}/leaderboard`,
    );
  }

  getBurnup(id: string, teamRef?: string) {
    return this.get<BurnupResponse>(
      `/migrations/${encodeURIComponent(id)}/burnup`,
      {
        team: teamRef,
      },
    );
  }

  async getEntities(id: string, status?: string) {
    return (
      await this.get<MigrationEntitiesResponse>(
        `/migrations/${encodeURIComponent(id)}/entities`,
        { status },
      )
    ).entities;
  }

  async getEntityItems(entityRef: string) {
    return (await this.get<EntityMigrationsResponse>('/entity', { entityRef }))
      .items;
  }

  async getTeamItems(groupRef: string) {
    return (
      await this.get<EntityMigrationsResponse>('/team-items', { groupRef })
    ).items;
  }
}
