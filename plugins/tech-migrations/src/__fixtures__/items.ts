import { EntityMigrationItem } from '@internal/plugin-tech-migrations-common';

/** cart-service, owned by checkout-squad, still to do in Node 22; `detail` says what is missing. */
export function openNode22Item(detail: string): EntityMigrationItem {
  return {
    migrationId: 'node-22',
    migrationTitle: 'Node 22',
    targetDate: '2027-06-30',
    entityRef: 'component:default/cart-service',
    ownerRef: 'group:default/checkout-squad',
    tribeRef: 'group:default/payments-tribe',
    status: 'remaining',
    detail,
  };
}
