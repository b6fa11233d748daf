import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Writing KPI samples through `POST /api/manage/kpis` (overwrites a team's figures for a month). Basic permission:
 * the policy decides per caller, not per entity (a batch spans many teams).
 *
 * @public
 */
export const manageKpiWritePermission = createPermission({
  name: 'manage.kpi.write',
  attributes: { action: 'create' },
});

/**
 * Every permission the manage plugin checks itself (registered with the permissions registry).
 *
 * @public
 */
export const managePermissions = [manageKpiWritePermission];
