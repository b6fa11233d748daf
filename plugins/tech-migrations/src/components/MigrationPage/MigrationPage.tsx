import {
  Content,
  Header,
  HeaderLabel,
  InfoCard,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { MigrationEntity } from '@internal/plugin-tech-migrations-common';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { techMigrationsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { BurnupChart } from '../BurnupChart';
import { FixWithTemplateButton } from '../FixWithTemplate';
import { daysText, HEALTH_LABEL, HealthChip, PercentBar } from '../common';
import {
  denseOptions,
  entityColumn,
  missingColumn,
} from '../common/entityTable';
import { Leaderboard } from '../Leaderboard';

/** The remaining entities, each with "Fix with template" when the migration names one. */
function remainingColumns(
  fixTemplate?: string,
): TableColumn<MigrationEntity>[] {
  return [
    entityColumn(),
    {
      title: 'Owner',
      field: 'ownerRef',
      render: e => <EntityRefLink entityRef={e.ownerRef} defaultKind="group" />,
    },
    missingColumn(),
    ...(fixTemplate
      ? [
          {
            title: 'Fix',
            sorting: false,
            render: (e: MigrationEntity) => (
              <FixWithTemplateButton
                templateRef={fixTemplate}
                entityRef={e.entityRef}
              />
            ),
          },
        ]
      : []),
  ];
}

/** One migration: summary, leaderboard by tribe and squad, burn-up, and the entities still to do. */
export function MigrationPage() {
  const { migrationId = '' } = useParams();
  const api = useApi(techMigrationsApiRef);
  const indexLink = useRouteRef(rootRouteRef);
  const { value, loading, error } = useAsync(async () => {
    const [migration, leaderboard, burnup, remaining] = await Promise.all([
      api.getMigration(migrationId),
      api.getLeaderboard(migrationId),
      api.getBurnup(migrationId),
      api.getEntities(migrationId, 'remaining'),
    ]);
    return { migration, leaderboard, burnup, remaining };
  }, [api, migrationId]);

  if (loading) {
    return (
      <Page themeId="tool">
        <Header title="Tech migrations" />
        <Content>
          <Progress />
        </Content>
      </Page>
    );
  }
  if (error || !value) {
    return (
      <Page themeId="tool">
        <Header title="Tech migrations" />
        <Content>
          <ResponseErrorPanel error={error ?? new Error('No data')} />
        </Content>
      </Page>
    );
  }
  const { migration, leaderboard, burnup, remaining } = value;
  return (
    <Page themeId="tool">
      <Header
        title={migration.title}
        subtitle={migration.description}
        type="Tech migrations"
        typeLink={indexLink()}
      >
        <HeaderLabel
          label="Owner"
          value={migration.owner.replace(/^group:default\//, '')}
        />
        <HeaderLabel label="Target" value={migration.targetDate} />
        <HeaderLabel label="Status" value={HEALTH_LABEL[migration.health]} />
      </Header>
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12} md={4}>
            <InfoCard title="Progress">
              <PercentBar
                percent={migration.percent}
                testId="migration-percent"
              />
              <Typography variant="body1">
                {migration.done} done · {migration.remaining} remaining ·{' '}
                {migration.exempt} exempt
              </Typography>
              <Typography variant="body2" color="textSecondary" paragraph>
                {daysText(migration.daysToTarget)} ({migration.startDate} →{' '}
                {migration.targetDate})
                {migration.projectedDate
                  ? `; at this pace done on ${migration.projectedDate}`
                  : ''}
              </Typography>
              <HealthChip health={migration.health} testId="migration-health" />
              <Typography
                variant="body2"
                style={{ marginTop: 16, overflowWrap: 'anywhere' }}
              >
                <strong>Done when:</strong> {migration.checkDescription}
              </Typography>
              {migration.link && (
                <Typography variant="body2">
                  <Link to={migration.link}>Migration guide</Link>
                </Typography>
              )}
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={8}>
            <InfoCard title="Burn-up">
              <BurnupChart burnup={burnup} />
            </InfoCard>
          </Grid>
          <Grid item xs={12}>
            <InfoCard
              title="Leaderboard"
              subheader="Tribes ranked by % done; expand a tribe for its squads"
            >
              {leaderboard.tribes.length ? (
                <Leaderboard tribes={leaderboard.tribes} />
              ) : (
                <Typography>No entity is in scope yet.</Typography>
              )}
            </InfoCard>
          </Grid>
          <Grid item xs={12}>
            <Table<MigrationEntity>
              title={`Remaining (${migration.remaining})`}
              subtitle={
                remaining.length < migration.remaining
                  ? `The first ${remaining.length}, by owner`
                  : undefined
              }
              options={denseOptions(remaining.length, 20, true)}
              columns={remainingColumns(migration.fixTemplate)}
              data={remaining}
              emptyContent={
                <Typography style={{ padding: 16 }}>
                  Nothing remaining.
                </Typography>
              }
            />
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}
