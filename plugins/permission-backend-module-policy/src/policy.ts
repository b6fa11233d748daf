import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  catalogEntityCreatePermission,
  catalogEntityDeletePermission,
  catalogEntityRefreshPermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import { kubernetesProxyPermission } from '@backstage/plugin-kubernetes-common';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  createScaffolderTaskConditionalDecision,
  scaffolderTaskConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';
import { taskCancelPermission } from '@backstage/plugin-scaffolder-common/alpha';
import { manageKpiWritePermission } from '@internal/plugin-manage-common';
import {
  techMigrationsEvaluatePermission,
  techMigrationsFactsWritePermission,
} from '@internal/plugin-tech-migrations-common';

/** Who counts as a platform admin (see README, "Platform admins"). */
export interface PortalPolicyOptions {
  /** Group refs: a user whose ownership refs include one of them is an admin. */
  adminGroups: string[];
  /** User refs that are admins on their own (development guest only). */
  adminUsers: string[];
}

const allow: PolicyDecision = { result: AuthorizeResult.ALLOW };
const deny: PolicyDecision = { result: AuthorizeResult.DENY };

/** Admins only, whatever the resource. */
const adminOnly = [
  catalogLocationDeletePermission,
  catalogEntityCreatePermission,
  kubernetesProxyPermission,
  manageKpiWritePermission,
  techMigrationsFactsWritePermission,
  techMigrationsEvaluatePermission,
];

/**
 * The portal's permission policy (README.md has the table). The permission backend calls it for user principals
 * only: service principals (other plugins, CI static tokens) are decided by their access restrictions before any
 * policy is asked, so a user is the only caller this class ever sees besides "nobody" (no user: deny).
 */
export class PortalPermissionPolicy implements PermissionPolicy {
  private readonly adminGroups: Set<string>;
  private readonly adminUsers: Set<string>;

  constructor(options: PortalPolicyOptions) {
    this.adminGroups = new Set(options.adminGroups);
    this.adminUsers = new Set(options.adminUsers);
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) return deny;
    const { permission } = request;
    // `info` is what the permission backend already resolved for this request (the user ref and the groups it
    // is a member of); asking the user-info service again would cost a round trip per decision.
    const { userEntityRef, ownershipEntityRefs } = user.info;
    const admin =
      this.adminUsers.has(userEntityRef) ||
      ownershipEntityRefs.some(ref => this.adminGroups.has(ref));

    if (adminOnly.some(p => isPermission(permission, p))) {
      return admin ? allow : deny;
    }

    // Deleting (unregistering) and refreshing an entity: its owners, or admins.
    if (
      isResourcePermission(permission, 'catalog-entity') &&
      (isPermission(permission, catalogEntityDeletePermission) ||
        isPermission(permission, catalogEntityRefreshPermission))
    ) {
      if (admin) return allow;
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({ claims: ownershipEntityRefs }),
      );
    }

    // Cancelling a template run: the user who started it, or admins (a task has no owner entity yet).
    if (
      isResourcePermission(permission, 'scaffolder-task') &&
      isPermission(permission, taskCancelPermission)
    ) {
      if (admin) return allow;
      return createScaffolderTaskConditionalDecision(
        permission,
        scaffolderTaskConditions.isTaskOwner({ createdBy: [userEntityRef] }),
      );
    }

    // Everything else (reading the catalog, running templates, registering a location, the plugins' own reads):
    // every signed-in user.
    return allow;
  }
}
