import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Visibility } from '../database/ManageStore';

/**
 * Applies the catalog's read permission to the mirror: the caller sees the entities the catalog would show
 * them, no more. One conditional check covers the common cases (allow all / deny all); only a conditional
 * policy costs a batch check of the candidate refs.
 */
export class EntityVisibility {
  constructor(private readonly permissions: PermissionsService) {}

  async canRead(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    const [decision] = await this.permissions.authorize(
      [{ permission: catalogEntityReadPermission, resourceRef: entityRef }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  async resolve(
    credentials: BackstageCredentials,
    candidates: () => Promise<string[]>,
  ): Promise<Visibility> {
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission: catalogEntityReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) return { all: true };
    if (decision.result === AuthorizeResult.DENY) return { refs: [] };
    const refs = await candidates();
    const decisions = refs.length
      ? await this.permissions.authorize(
          refs.map(resourceRef => ({
            permission: catalogEntityReadPermission,
            resourceRef,
          })),
          { credentials },
        )
      : [];
    return {
      refs: refs.filter(
        (_, i) => decisions[i].result === AuthorizeResult.ALLOW,
      ),
    };
  }
}
