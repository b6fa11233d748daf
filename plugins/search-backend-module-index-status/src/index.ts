/**
 * The portal's search engine module: PostgreSQL or Lunr, answering an empty result with a notice while an index is
 * being built.
 *
 * @packageDocumentation
 */
export { searchModuleIndexStatus as default } from './module';
