import {
  BackstageCredentials,
  coreServices,
  HttpAuthService,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import permissionPolicyModule from '@internal/plugin-permission-backend-module-policy';

/**
 * mockServices.httpAuth, except that a user's credentials forwarded by a plugin name that plugin as their actor, as
 * the real auth service does: the permission backend answers conditional (resource-less) queries only for
 * plugins acting on a user's behalf, and the plain mock drops the actor.
 */
const httpAuthWithActors = createServiceFactory({
  service: coreServices.httpAuth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): HttpAuthService {
    const httpAuth = mockServices.httpAuth({ pluginId: plugin.getId() });
    const servicePrefix = 'Bearer mock-service-token:';
    return {
      async credentials(req: any, options?: any) {
        const credentials: BackstageCredentials = await httpAuth.credentials(
          req,
          options,
        );
        const header = String(req.headers.authorization ?? '');
        const principal = credentials.principal as { type: string };
        if (principal.type === 'user' && header.startsWith(servicePrefix)) {
          const { sub, obo } = JSON.parse(header.slice(servicePrefix.length));
          return mockCredentials.user(obo, { actor: { subject: sub } });
        }
        return credentials;
      },
      issueUserCookie: (res, options) => httpAuth.issueUserCookie(res, options),
    } as HttpAuthService;
  },
});

/**
 * The portal's real policy in the real permission backend, reached over HTTP as in the portal. Only the users'
 * group memberships are given (through the user-info service), as the catalog would resolve them.
 *
 * @public
 */
export function portalPolicyFeatures(memberships: Record<string, string[]>) {
  return [
    permissionPlugin,
    permissionPolicyModule,
    httpAuthWithActors,
    mockServices.userInfo.mock({
      getUserInfo: async credentials => {
        const { userEntityRef } = credentials.principal as {
          userEntityRef: string;
        };
        return {
          userEntityRef,
          ownershipEntityRefs: [
            userEntityRef,
            ...(memberships[userEntityRef] ?? []),
          ],
        };
      },
    }).factory,
  ];
}

/**
 * The config the portal policy reads, with `permission.enabled` as in every environment.
 *
 * @public
 */
export const portalPolicyConfig = {
  permission: {
    enabled: true,
    policy: { adminGroups: ['group:default/platform-admins'] },
  },
};
