import { InfoCard } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { OwnedEntity, TeamSummary } from '@internal/plugin-manage-common';
import {
  Box,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { formatUsd } from '../format';

function groupByKindAndType(entities: OwnedEntity[]) {
  const groups = new Map<string, OwnedEntity[]>();
  for (const entity of entities) {
    const key = entity.type ? `${entity.kind} · ${entity.type}` : entity.kind;
    groups.set(key, [...(groups.get(key) ?? []), entity]);
  }
  return [...groups.entries()];
}

/** What the team and its sub-teams own, grouped by kind and type, with each entity's latest KPIs. */
export function OwnedEntitiesCard(props: {
  teamTitle: string;
  owned: TeamSummary['owned'];
  showOwner: boolean;
}) {
  const { teamTitle, owned, showOwner } = props;
  return (
    <InfoCard title={`What ${teamTitle} owns (${owned.total})`}>
      {owned.total === 0 && (
        <Typography>Nothing in the catalog is owned by this team.</Typography>
      )}
      {owned.truncated && (
        <Typography color="textSecondary">
          Showing the first {owned.entities.length} of {owned.total}; the counts
          and KPIs cover all of them.
        </Typography>
      )}
      {groupByKindAndType(owned.entities).map(([group, entities]) => (
        <Box key={group} mb={2} component="section" aria-label={group}>
          <Typography variant="h6" component="h3">
            {group} ({entities.length})
          </Typography>
          <Table size="small">
            <TableHead>
              <TableRow>
                <TableCell>Name</TableCell>
                <TableCell>Lifecycle</TableCell>
                {showOwner && <TableCell>Owner</TableCell>}
                <TableCell align="right">Cloud cost</TableCell>
                <TableCell align="right">Incidents</TableCell>
                <TableCell align="right">Security issues</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {entities.map(entity => (
                <TableRow key={entity.ref}>
                  <TableCell>
                    <EntityRefLink
                      entityRef={entity.ref}
                      title={entity.title}
                    />
                  </TableCell>
                  <TableCell>{entity.lifecycle ?? '—'}</TableCell>
                  {showOwner && (
                    <TableCell>
                      <EntityRefLink entityRef={entity.ownerRef} />
                    </TableCell>
                  )}
                  <TableCell align="right">
                    {entity.latest.cloudCost !== undefined
                      ? formatUsd(entity.latest.cloudCost)
                      : '—'}
                  </TableCell>
                  <TableCell align="right">
                    {entity.latest.incidents ?? '—'}
                  </TableCell>
                  <TableCell align="right">
                    {entity.latest.securityIssues ?? '—'}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      ))}
    </InfoCard>
  );
}
