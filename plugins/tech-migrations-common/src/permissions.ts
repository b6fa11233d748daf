import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Pushing CI facts through `POST /api/tech-migrations/facts` (changes what migrations count as done).
 *
 * @public
 */
export const techMigrationsFactsWritePermission = createPermission({
  name: 'tech-migrations.facts.write',
  attributes: { action: 'create' },
});

/**
 * Running a full evaluation pass now through `POST /api/tech-migrations/evaluate` (the schedule runs it too).
 *
 * @public
 */
export const techMigrationsEvaluatePermission = createPermission({
  name: 'tech-migrations.evaluate',
  attributes: { action: 'update' },
});

/**
 * Every permission the tech-migrations plugin checks itself (registered with the permissions registry).
 *
 * @public
 */
export const techMigrationsPermissions = [
  techMigrationsFactsWritePermission,
  techMigrationsEvaluatePermission,
];
