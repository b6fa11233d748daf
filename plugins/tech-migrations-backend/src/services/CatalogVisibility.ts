import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

/**
 * The catalog's read permission applied to what this plugin stores about entities and teams: a caller sees the
 * rows of the entities the catalog would show them, as the manage plugin does (manage-backend EntityVisibility).
 * One conditional check covers allow-all and deny-all; only a conditional policy costs a batch check of the refs.
 */
export class CatalogVisibility {
  constructor(private readonly permissions: PermissionsService) {}

  /** The subset of `refs` the caller may read, in their order. */
  async readable(
    refs: string[],
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    const unique = [...new Set(refs)];
    if (!unique.length) return new Set();
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission: catalogEntityReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) return new Set(unique);
    if (decision.result === AuthorizeResult.DENY) return new Set();
    const decisions = await this.permissions.authorize(
      unique.map(resourceRef => ({
        permission: catalogEntityReadPermission,
        resourceRef,
      })),
      { credentials },
    );
    return new Set(
      unique.filter((_, i) => decisions[i].result === AuthorizeResult.ALLOW),
    );
  }

  /** Keeps the items whose entity (`key`) the caller may read. */
  async filter<T>(
    items: T[],
    key: (item: T) => string,
    credentials: BackstageCredentials,
  ): Promise<T[]> {
    const readable = await this.readable(items.map(key), credentials);
    return items.filter(item => readable.has(key(item)));
  }
}
