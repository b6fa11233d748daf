import { TableColumn, TableOptions } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { MigrationEntity } from '@internal/plugin-tech-migrations-common';

/** The entity column of a table of migration entities: its ref, linked to its catalog page. */
export function entityColumn<T extends MigrationEntity>(): TableColumn<T> {
  return {
    title: 'Entity',
    field: 'entityRef',
    render: e => <EntityRefLink entityRef={e.entityRef} />,
  };
}

/** What the check found missing for an entity (or an exemption's reason). */
export function missingColumn<T extends MigrationEntity>(): TableColumn<T> {
  return { title: 'What is missing', field: 'detail' };
}

/** Dense rows, paged only when there is more than one page of `rows`. */
export function denseOptions(
  rows: number,
  pageSize: number,
  search: boolean,
): TableOptions<{}> {
  return { paging: rows > pageSize, pageSize, search, padding: 'dense' };
}
