import { Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Box, Chip, Grid, Typography } from '@material-ui/core';
import { ComponentType } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { manageApiRef } from '../../api';
import { KpiTiles } from '../KpiTiles';
import { OwnedEntitiesCard } from '../OwnedEntitiesCard';
import { SubTeamsCard } from '../SubTeamsCard';
import { useTeamPath } from '../useTeamPath';

/**
 * Props every team card slot receives.
 *
 * @public
 */
export interface TeamCardProps {
  groupRef: string;
}

/** One team's page: header, KPI tiles, the slot cards, its sub-teams and what it owns. */
export function TeamView(props: {
  groupRef: string;
  teamCards?: ComponentType<TeamCardProps>[];
}) {
  const { groupRef, teamCards = [] } = props;
  const manageApi = useApi(manageApiRef);
  const teamPath = useTeamPath();
  const {
    value: summary,
    loading,
    error,
  } = useAsync(() => manageApi.getTeamSummary(groupRef), [manageApi, groupRef]);

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!summary) return null;

  const { team, subTeams, owned, trend, sources } = summary;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
          <Typography variant="h4" component="h2">
            {team.title}
          </Typography>
          {team.type && <Chip label={team.type} size="small" />}
          <EntityRefLink entityRef={team.ref}>Catalog page</EntityRefLink>
          {team.parentRef && (
            <Typography component="span">
              · Part of{' '}
              <Link to={teamPath(team.parentRef)} aria-label="Parent team">
                {team.parentTitle ?? team.parentRef}
              </Link>
            </Typography>
          )}
        </Box>
      </Grid>
      <Grid item xs={12}>
        <KpiTiles trend={trend} sources={sources} />
      </Grid>
      {teamCards.map((TeamCard, i) => (
        <Grid item xs={12} key={i}>
          <TeamCard groupRef={team.ref} />
        </Grid>
      ))}
      {subTeams.length > 0 && (
        <Grid item xs={12}>
          <SubTeamsCard subTeams={subTeams} />
        </Grid>
      )}
      <Grid item xs={12}>
        <OwnedEntitiesCard
          teamTitle={team.title}
          owned={owned}
          showOwner={subTeams.length > 0}
        />
      </Grid>
    </Grid>
  );
}
