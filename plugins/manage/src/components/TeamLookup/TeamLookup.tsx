import { makeStyles, TextField } from '@material-ui/core';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { useNavigate } from 'react-router-dom';
import { TeamOption, useAllTeams } from '../teams';
import { useTeamPath } from '../useTeamPath';

/** Look up any team of the organisation by name and open its page. */
// MUI's default label grey is below WCAG AA contrast on the portal's page background.
const useStyles = makeStyles(theme => ({
  label: { color: theme.palette.text.primary },
}));

export function TeamLookup() {
  const classes = useStyles();
  const { value: teams, loading, error } = useAllTeams();
  const navigate = useNavigate();
  const teamPath = useTeamPath();
  return (
    <Autocomplete<TeamOption>
      options={teams ?? []}
      loading={loading}
      getOptionLabel={team => team.title}
      renderOption={team => (
        <span>
          {team.title}
          {team.type ? ` (${team.type})` : ''}
        </span>
      )}
      onChange={(_, team) => team && navigate(teamPath(team.ref))}
      style={{ minWidth: 280 }}
      renderInput={params => (
        <TextField
          {...params}
          label="Look up a team"
          InputLabelProps={{
            ...params.InputLabelProps,
            className: classes.label,
          }}
          variant="outlined"
          size="small"
          error={!!error}
          helperText={
            error ? `Could not load teams: ${error.message}` : undefined
          }
        />
      )}
    />
  );
}
