export { manageApiRef, ManageClient } from './ManageApi';
export type { ManageApi } from './ManageApi';
