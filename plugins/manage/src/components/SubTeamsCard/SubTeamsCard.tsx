import { InfoCard, Link } from '@backstage/core-components';
import { TeamSummary } from '@internal/plugin-manage-common';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
} from '@material-ui/core';
import { useTeamPath } from '../useTeamPath';
import { formatUsd } from '../format';

/** A tribe's squads, each rolled up, linking to their own page. */
export function SubTeamsCard(props: { subTeams: TeamSummary['subTeams'] }) {
  const teamPath = useTeamPath();
  return (
    <InfoCard title="Teams">
      <Table size="small" aria-label="Sub-teams">
        <TableHead>
          <TableRow>
            <TableCell>Team</TableCell>
            <TableCell align="right">Owns</TableCell>
            <TableCell align="right">Cloud cost (latest month)</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {props.subTeams.map(team => (
            <TableRow key={team.ref}>
              <TableCell>
                <Link to={teamPath(team.ref)}>{team.title}</Link>
              </TableCell>
              <TableCell align="right">{team.ownedCount}</TableCell>
              <TableCell align="right">{formatUsd(team.cloudCost)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </InfoCard>
  );
}
