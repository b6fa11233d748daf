/**
 * The manage plugin's backend: team summaries, the KPI store, push API and providers.
 *
 * @packageDocumentation
 */
export { managePlugin as default } from './plugin';
