/**
 * Our scaffolder form decorators and the API they use. Register them in the app's `formDecoratorsApiRef`.
 *
 * @packageDocumentation
 */
export { defaultOwnerDecorator } from './decorators/defaultOwnerDecorator';
export { publishTokenDecorator } from './decorators/publishTokenDecorator';
export { publishTokenApiRef, PublishTokenClient } from './api';
export type { PublishTokenApi } from './api';
