/**
 * The manage page: a personal homepage with my teams, what they own and their KPIs.
 *
 * @packageDocumentation
 */
export { managePlugin, ManagePage } from './plugin';
export { manageApiRef, ManageClient } from './api';
export type { ManageApi } from './api';
export type { TeamCardProps, ManagePageProps } from './components/ManagePage';
