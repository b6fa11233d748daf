import type {
  IndexableResultSet,
  QueryRequestOptions,
  QueryTranslator,
  SearchEngine,
  SearchQuery,
} from '@backstage/plugin-search-common';
import { Writable } from 'node:stream';

/**
 * Added to a search response whose index is missing. `building`: the types not yet indexed since this process
 * started (their first collation has not finished: results appear when it has); `empty`: the types indexed with no
 * documents (Lunr creates no index for a type without documents).
 */
export type SearchIndexNotice = {
  building: string[];
  empty: string[];
  message: string;
};

/** What the search API answers instead of a 500 while an index is missing. */
export type IndexStatusResultSet = IndexableResultSet & {
  indexNotice?: SearchIndexNotice;
};

/**
 * Wraps a search engine so that a query for an index that does not exist (yet) answers an empty result with a
 * notice rather than throwing. Upstream's Lunr engine throws `MissingIndexError` until a type's first collation
 * has finished, and the search router turns that into a 500: after every start of a process holding the index in
 * memory, searches failed until the collators had run (and enough of them opened the search plugin's breaker).
 */
export class IndexStatusSearchEngine implements SearchEngine {
  /** Types whose indexing has finished at least once in this process (with or without documents). */
  private readonly indexed = new Set<string>();

  constructor(private readonly engine: SearchEngine) {}

  setTranslator(translator: QueryTranslator): void {
    this.engine.setTranslator(translator);
  }

  async getIndexer(type: string): Promise<Writable> {
    const indexer = await this.engine.getIndexer(type);
    // Registered after the engine's own 'close' listener (Lunr swaps its index in there), so by the time this runs
    // the new index is in place.
    indexer.once('close', () => this.indexed.add(type));
    return indexer;
  }

  async query(
    query: SearchQuery,
    options?: QueryRequestOptions,
  ): Promise<IndexStatusResultSet> {
    try {
      return await this.engine.query(query, options);
    } catch (error) {
      if ((error as Error)?.name !== 'MissingIndexError') throw error;
      const types = query.types ?? [];
      const building = types.filter(t => !this.indexed.has(t));
      const empty = types.filter(t => this.indexed.has(t));
      return {
        results: [],
        numberOfResults: 0,
        indexNotice: {
          building,
          empty,
          message: noticeMessage(building, empty),
        },
      };
    }
  }
}

function noticeMessage(building: string[], empty: string[]): string {
  const parts = [];
  if (building.length) {
    parts.push(
      `The search index for ${building.join(
        ', ',
      )} is being built; results appear as soon as it is ready (within a minute of the portal's start).`,
    );
  }
  if (empty.length) {
    parts.push(`Nothing is indexed for ${empty.join(', ')}.`);
  }
  return parts.join(' ');
}
