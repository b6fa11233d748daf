/**
 * The one org model of the portal, shared by every plugin that shows teams: who owns an entity, a group's parent
 * and children at any depth, tribes and squads, display titles, and the tree a team's figures roll up.
 * Pure functions over catalog entities; the org-model-node package (`orgModelServiceRef`) keeps it from the
 * catalog in a backend.
 *
 * @packageDocumentation
 */
export * from './entities';
export { OrgModel } from './OrgModel';
