import {
  Content,
  ContentHeader,
  EmptyState,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ComponentType } from 'react';
import { Route, Routes, useParams } from 'react-router-dom';
import { TeamLookup } from '../TeamLookup';
import { TeamSwitcher } from '../TeamSwitcher';
import { TeamCardProps, TeamView } from '../TeamView';
import { TeamOption, useMyTeams } from '../teams';

/** @public */
export interface ManagePageProps {
  /** Extra cards shown for the selected team, e.g. another plugin's per-team view. */
  teamCards?: ComponentType<TeamCardProps>[];
}

function Body(props: ManagePageProps & { myTeams: TeamOption[] }) {
  const { namespace, name } = useParams();
  const { myTeams, teamCards } = props;
  const selectedRef =
    namespace && name
      ? stringifyEntityRef({ kind: 'group', namespace, name })
      : myTeams[0]?.ref;
  return (
    <>
      <ContentHeader title="My teams">
        <TeamLookup />
      </ContentHeader>
      <TeamSwitcher teams={myTeams} selectedRef={selectedRef} />
      {selectedRef ? (
        <TeamView
          key={selectedRef}
          groupRef={selectedRef}
          teamCards={teamCards}
        />
      ) : (
        <EmptyState
          missing="data"
          title="You are not on a team yet"
          description="Teams come from the catalog: ask your team to add you to its Group (spec.members or your User's spec.memberOf). Meanwhile, look up any team above."
        />
      )}
    </>
  );
}

/** The personal home page: the teams I am on (or any team looked up), what they own and their KPIs. */
export function ManagePage(props: ManagePageProps) {
  const { value: myTeams, loading, error } = useMyTeams();
  let content;
  if (loading) content = <Progress />;
  else if (error) content = <ResponseErrorPanel error={error} />;
  else {
    const body = <Body {...props} myTeams={myTeams ?? []} />;
    content = (
      <Routes>
        <Route path="/" element={body} />
        <Route path="/group/:namespace/:name" element={body} />
      </Routes>
    );
  }
  return (
    <Page themeId="home">
      <Header
        title="Manage"
        subtitle="Your teams, what they own and how it runs"
      />
      <Content>{content}</Content>
    </Page>
  );
}
