export { ManagePage } from './ManagePage';
export type { ManagePageProps } from './ManagePage';
export type { TeamCardProps } from '../TeamView';
