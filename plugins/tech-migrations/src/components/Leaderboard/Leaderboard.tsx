import {
  LeaderboardTeam,
  LeaderboardTribe,
} from '@internal/plugin-tech-migrations-common';
import IconButton from '@material-ui/core/IconButton';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import KeyboardArrowDownIcon from '@material-ui/icons/KeyboardArrowDown';
import KeyboardArrowRightIcon from '@material-ui/icons/KeyboardArrowRight';
import { Fragment, useState } from 'react';
import { PercentBar, shortRef } from '../common';

function Counts(props: { team: LeaderboardTeam }) {
  return (
    <>
      <TableCell>
        <PercentBar
          percent={props.team.percent}
          testId={`percent-${shortRef(props.team.teamRef)}`}
        />
      </TableCell>
      <TableCell align="right">{props.team.done}</TableCell>
      <TableCell align="right">{props.team.remaining}</TableCell>
      <TableCell align="right">{props.team.exempt}</TableCell>
    </>
  );
}

/**
 * Teams ranked by percent done (the order the API returns), one row per tribe; a tribe row expands into its squads.
 */
export function Leaderboard(props: { tribes: LeaderboardTribe[] }) {
  const [open, setOpen] = useState<Record<string, boolean>>({});
  return (
    <Table size="small" aria-label="Leaderboard">
      <TableHead>
        <TableRow>
          <TableCell padding="checkbox" />
          <TableCell>#</TableCell>
          <TableCell>Team</TableCell>
          <TableCell>% done</TableCell>
          <TableCell align="right">Done</TableCell>
          <TableCell align="right">Remaining</TableCell>
          <TableCell align="right">Exempt</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.tribes.map(tribe => {
          const name = shortRef(tribe.teamRef);
          const expanded = !!open[tribe.teamRef];
          const hasSquads = tribe.squads.length > 0;
          return (
            <Fragment key={tribe.teamRef}>
              <TableRow data-testid={`leaderboard-tribe-${name}`} hover>
                <TableCell padding="checkbox">
                  {hasSquads && (
                    <IconButton
                      size="small"
                      aria-label={`${expanded ? 'Collapse' : 'Expand'} ${
                        tribe.title
                      }`}
                      aria-expanded={expanded}
                      onClick={() =>
                        setOpen(o => ({ ...o, [tribe.teamRef]: !expanded }))
                      }
                    >
                      {expanded ? (
                        <KeyboardArrowDownIcon />
                      ) : (
                        <KeyboardArrowRightIcon />
                      )}
                    </IconButton>
                  )}
                </TableCell>
                <TableCell>{tribe.rank}</TableCell>
                <TableCell>
                  <strong>{tribe.title}</strong>
                </TableCell>
                <Counts team={tribe} />
              </TableRow>
              {expanded &&
                tribe.squads.map(squad => (
                  <TableRow
                    key={squad.teamRef}
                    data-testid={`leaderboard-squad-${shortRef(squad.teamRef)}`}
                  >
                    <TableCell padding="checkbox" />
                    <TableCell>
                      {tribe.rank}.{squad.rank}
                    </TableCell>
                    <TableCell style={{ paddingLeft: 32 }}>
                      {squad.title}
                    </TableCell>
                    <Counts team={squad} />
                  </TableRow>
                ))}
            </Fragment>
          );
        })}
      </TableBody>
    </Table>
  );
}
