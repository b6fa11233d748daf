import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { EntityMigrationItem } from '@internal/plugin-tech-migrations-common';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { techMigrationsApiRef } from '../../api';

const columns: TableColumn<EntityMigrationItem>[] = [
  { title: 'Migration', field: 'migrationTitle' },
  {
    title: 'Entity',
    field: 'entityRef',
    render: i => <EntityRefLink entityRef={i.entityRef} />,
  },
  { title: 'What is missing', field: 'detail' },
  { title: 'Target', field: 'targetDate' },
];

/**
 * A team's open migration items: the entities it owns (a tribe: with its squads') that are not done yet.
 * `groupRef` e.g. `group:default/checkout-squad`.
 */
export function TeamMigrationItemsCard(props: { groupRef: string }) {
  const api = useApi(techMigrationsApiRef);
  const { value, loading, error } = useAsync(
    () => api.getTeamItems(props.groupRef),
    [api, props.groupRef],
  );

  if (loading) {
    return (
      <InfoCard title="Open migration items">
        <Progress />
      </InfoCard>
    );
  }
  if (error) {
    return (
      <InfoCard title="Open migration items">
        <ResponseErrorPanel error={error} />
      </InfoCard>
    );
  }
  if (!value?.length) {
    return (
      <InfoCard title="Open migration items">
        <Typography variant="body2">No open migration items. Nice.</Typography>
      </InfoCard>
    );
  }
  return (
    <Table<EntityMigrationItem>
      title={`Open migration items (${value.length})`}
      options={{
        paging: value.length > 10,
        pageSize: 10,
        search: false,
        padding: 'dense',
      }}
      columns={columns}
      data={value}
    />
  );
}
