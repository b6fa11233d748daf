import { mockCredentials } from '@backstage/backend-test-utils';
import {
  catalogEntityCreatePermission,
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogEntityRefreshPermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  kubernetesProxyPermission,
  kubernetesResourcesReadPermission,
} from '@backstage/plugin-kubernetes-common';
import {
  AuthorizeResult,
  Permission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  taskCancelPermission,
  taskCreatePermission,
  taskReadPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import { manageKpiWritePermission } from '@internal/plugin-manage-common';
import {
  techMigrationsEvaluatePermission,
  techMigrationsFactsWritePermission,
} from '@internal/plugin-tech-migrations-common';
import { PortalPermissionPolicy } from './policy';

const policy = new PortalPermissionPolicy({
  adminGroups: ['group:default/platform-admins'],
  adminUsers: ['user:default/guest'],
});

function userOf(userEntityRef: string, groups: string[]): PolicyQueryUser {
  return {
    credentials: mockCredentials.user(userEntityRef),
    info: { userEntityRef, ownershipEntityRefs: [userEntityRef, ...groups] },
  };
}

// A squad member, a member of the admins group, and the admin user named in config (the dev guest).
const member = userOf('user:default/amelia-hart', [
  'group:default/checkout-squad',
]);
const groupAdmin = userOf('user:default/pat-admin', [
  'group:default/checkout-squad',
  'group:default/platform-admins',
]);
const configAdmin = userOf('user:default/guest', [
  'group:default/checkout-squad',
]);

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };
/** Allowed where the entity is owned by one of the member's ownership refs. */
const MEMBER_OWNS_ENTITY: PolicyDecision = {
  result: AuthorizeResult.CONDITIONAL,
  pluginId: 'catalog',
  resourceType: 'catalog-entity',
  conditions: {
    rule: 'IS_ENTITY_OWNER',
    resourceType: 'catalog-entity',
    params: {
      claims: ['user:default/amelia-hart', 'group:default/checkout-squad'],
    },
  },
};
const MEMBER_STARTED_TASK: PolicyDecision = {
  result: AuthorizeResult.CONDITIONAL,
  pluginId: 'scaffolder',
  resourceType: 'scaffolder-task',
  conditions: {
    rule: 'IS_TASK_OWNER',
    resourceType: 'scaffolder-task',
    params: { createdBy: ['user:default/amelia-hart'] },
  },
};

// permission, what a squad member gets, what an admin gets (by group and by config).
const table: Array<[Permission, PolicyDecision, PolicyDecision]> = [
  // Every signed-in user reads the catalog and runs templates.
  [catalogEntityReadPermission, ALLOW, ALLOW],
  [taskCreatePermission, ALLOW, ALLOW],
  [taskReadPermission, ALLOW, ALLOW],
  // A template run registers the new component's location with the user's own credentials (see README).
  [catalogLocationCreatePermission, ALLOW, ALLOW],
  [kubernetesResourcesReadPermission, ALLOW, ALLOW],
  // Owners or admins.
  [catalogEntityDeletePermission, MEMBER_OWNS_ENTITY, ALLOW],
  [catalogEntityRefreshPermission, MEMBER_OWNS_ENTITY, ALLOW],
  [taskCancelPermission, MEMBER_STARTED_TASK, ALLOW],
  // Admins only.
  [catalogLocationDeletePermission, DENY, ALLOW],
  [catalogEntityCreatePermission, DENY, ALLOW],
  [kubernetesProxyPermission, DENY, ALLOW],
  [manageKpiWritePermission, DENY, ALLOW],
  [techMigrationsFactsWritePermission, DENY, ALLOW],
  [techMigrationsEvaluatePermission, DENY, ALLOW],
];

const named = table.map(row => [row[0].name, ...row] as const);

describe('PortalPermissionPolicy', () => {
  it.each(named)(
    '%s: member and admins',
    async (_name, permission, forMember, forAdmin) => {
      expect(await policy.handle({ permission }, member)).toEqual(forMember);
      expect(await policy.handle({ permission }, groupAdmin)).toEqual(forAdmin);
      expect(await policy.handle({ permission }, configAdmin)).toEqual(
        forAdmin,
      );
    },
  );

  it.each(named)('%s: no user, no access', async (_name, permission) => {
    expect(await policy.handle({ permission })).toEqual(DENY);
  });

  it('admins come only from config: without it, admin-only permissions are refused to everybody', async () => {
    const noAdmins = new PortalPermissionPolicy({
      adminGroups: [],
      adminUsers: [],
    });
    for (const user of [member, groupAdmin, configAdmin]) {
      expect(
        await noAdmins.handle({ permission: manageKpiWritePermission }, user),
      ).toEqual(DENY);
    }
  });
});
