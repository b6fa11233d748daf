import { Tab, Tabs } from '@material-ui/core';
import { useNavigate } from 'react-router-dom';
import { TeamOption } from '../teams';
import { useTeamPath } from '../useTeamPath';

/** Tabs of the teams I am on; the selected one is the team shown (false when looking at another team). */
export function TeamSwitcher(props: {
  teams: TeamOption[];
  selectedRef?: string;
}) {
  const { teams, selectedRef } = props;
  const navigate = useNavigate();
  const teamPath = useTeamPath();
  const selected = teams.some(t => t.ref === selectedRef) ? selectedRef : false;
  return (
    <Tabs
      value={selected}
      onChange={(_, ref: string) => navigate(teamPath(ref))}
      indicatorColor="primary"
      textColor="primary"
      variant="scrollable"
      aria-label="My teams"
    >
      {teams.map(team => (
        <Tab key={team.ref} value={team.ref} label={team.title} />
      ))}
    </Tabs>
  );
}
