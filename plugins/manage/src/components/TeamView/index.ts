export { TeamView } from './TeamView';
export type { TeamCardProps } from './TeamView';
