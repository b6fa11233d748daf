import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { PortalPermissionPolicy } from './policy';

/**
 * Installs the portal's permission policy in the permission backend (in place of allow-all).
 *
 * @public
 */
export const permissionModulePolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'portal-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        policy: policyExtensionPoint,
      },
      async init({ config, logger, policy }) {
        const adminGroups =
          config.getOptionalStringArray('permission.policy.adminGroups') ?? [];
        const adminUsers =
          config.getOptionalStringArray('permission.policy.adminUsers') ?? [];
        if (!adminGroups.length && !adminUsers.length) {
          logger.warn(
            'permission.policy names no admin group or user: admin-only actions are refused to every user',
          );
        }
        policy.setPolicy(
          new PortalPermissionPolicy({ adminGroups, adminUsers }),
        );
      },
    });
  },
});
