import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityMigrationItem } from '@internal/plugin-tech-migrations-common';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { techMigrationsApiRef } from '../../api';
import {
  denseOptions,
  entityColumn,
  missingColumn,
} from '../common/entityTable';

const columns: TableColumn<EntityMigrationItem>[] = [
  { title: 'Migration', field: 'migrationTitle' },
  entityColumn(),
  missingColumn(),
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
      options={denseOptions(value.length, 10, false)}
      columns={columns}
      data={value}
    />
  );
}
