export { publishTokenApiRef, PublishTokenClient } from './PublishTokenApi';
export type { PublishTokenApi } from './PublishTokenApi';
