import { AuthService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EntitySource } from './MigrationService';

/** Reads the catalog with the plugin's own service credentials (the scheduled pass acts for no user). */
export class CatalogEntitySource implements EntitySource {
  constructor(
    private readonly deps: { catalog: CatalogService; auth: AuthService },
  ) {}

  async listEntities(kinds: string[]): Promise<Entity[]> {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const { items } = await this.deps.catalog.getEntities(
      { filter: { kind: kinds } },
      { credentials },
    );
    return items;
  }
}
