import {
  Content,
  ContentHeader,
  EmptyState,
  Header,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { MigrationSummary } from '@internal/plugin-tech-migrations-common';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { techMigrationsApiRef } from '../../api';
import { migrationRouteRef } from '../../routes';
import { daysText, HealthChip, PercentBar } from '../common';

/** Every migration with % done, counts, days to target and health. */
export function MigrationsIndexPage() {
  const api = useApi(techMigrationsApiRef);
  const migrationLink = useRouteRef(migrationRouteRef);
  const { value, loading, error } = useAsync(() => api.listMigrations(), [api]);

  const columns: TableColumn<MigrationSummary>[] = [
    {
      title: 'Migration',
      field: 'title',
      render: m => (
        <>
          <Link
            to={migrationLink({ migrationId: m.id })}
            data-testid={`migration-link-${m.id}`}
          >
            {m.title}
          </Link>
          <Typography variant="body2" color="textSecondary">
            {m.checkDescription}
          </Typography>
        </>
      ),
    },
    {
      title: '% done',
      field: 'percent',
      render: m => (
        <PercentBar percent={m.percent} testId={`percent-${m.id}`} />
      ),
    },
    { title: 'Done', field: 'done', type: 'numeric' },
    { title: 'Remaining', field: 'remaining', type: 'numeric' },
    { title: 'Exempt', field: 'exempt', type: 'numeric' },
    {
      title: 'Target',
      field: 'targetDate',
      render: m => (
        <>
          {m.targetDate}
          <Typography variant="body2" color="textSecondary">
            {daysText(m.daysToTarget)}
          </Typography>
        </>
      ),
    },
    {
      title: 'Status',
      field: 'health',
      render: m => <HealthChip health={m.health} testId={`health-${m.id}`} />,
    },
  ];

  let body;
  if (loading) {
    body = <Progress />;
  } else if (error) {
    body = <ResponseErrorPanel error={error} />;
  } else if (
    !value ||
    (value.migrations.length === 0 && value.errors.length === 0)
  ) {
    body = (
      <EmptyState
        missing="data"
        title="No migrations yet"
        description="Add a definition under catalog/migrations/ (see the tech-migrations-backend README); it shows up after the next evaluation."
      />
    );
  } else {
    body = (
      <>
        {value.errors.length > 0 && (
          <WarningPanel
            severity="error"
            title={`${value.errors.length} migration definition(s) could not be loaded`}
          >
            {value.errors.map(e => (
              <Typography key={e.file} variant="body2" component="div">
                {e.message}
              </Typography>
            ))}
          </WarningPanel>
        )}
        <Table<MigrationSummary>
          title="Migrations"
          options={{ paging: false, search: false, padding: 'dense' }}
          columns={columns}
          data={value.migrations}
        />
      </>
    );
  }

  return (
    <Page themeId="tool">
      <Header
        title="Tech migrations"
        subtitle="Organization-wide migrations, tracked from the catalog and CI"
      />
      <Content>
        <ContentHeader title="Progress by migration" />
        {body}
      </Content>
    </Page>
  );
}
