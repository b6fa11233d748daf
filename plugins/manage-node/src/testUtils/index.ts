/**
 * Test helpers for modules of the manage plugin.
 *
 * @packageDocumentation
 */
export { recordingManagePlugin } from './recordingManagePlugin';
export { annotatedComponent } from './annotatedComponent';
