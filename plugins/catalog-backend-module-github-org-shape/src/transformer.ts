import { GroupEntity } from '@backstage/catalog-model';
import {
  defaultOrganizationTeamTransformer,
  TeamTransformer,
} from '@backstage/plugin-catalog-backend-module-github';

/** `spec.type` of a top-level GitHub team (no parent team). */
export const TRIBE = 'tribe';
/** `spec.type` of every GitHub team that has a parent team, at any depth. */
export const SQUAD = 'squad';

/**
 * GitHub team → catalog Group in the portal's shape (catalog/org: tribe → squads → users).
 *
 * Everything else is upstream's default transformer (name = team slug, displayName, description, avatar, members as
 * logins, `spec.parent` = parent slug); the provider fills `spec.children` from the parents afterwards. Only
 * `spec.type` changes: a team without a parent is a tribe, a team with one a squad. GitHub hands each team with its
 * direct parent only, so a team nested deeper (a squad's sub-team) is also a squad, with its parent kept: the
 * manage page and the tech-migration leaderboard walk parents at any depth, so its entities roll up to the squad
 * above it and to the tribe at the top.
 */
export const tribeSquadTeamTransformer: TeamTransformer = async (team, ctx) => {
  const entity = (await defaultOrganizationTeamTransformer(team, ctx)) as
    | GroupEntity
    | undefined;
  if (!entity) return undefined;
  entity.spec.type = team.parentTeam ? SQUAD : TRIBE;
  return entity;
};
