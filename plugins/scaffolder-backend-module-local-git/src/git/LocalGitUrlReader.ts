import {
  UrlReaderService,
  UrlReaderServiceReadTreeResponse,
  UrlReaderServiceReadUrlOptions,
  UrlReaderServiceReadUrlResponse,
  UrlReaderServiceSearchResponse,
} from '@backstage/backend-plugin-api';
import {
  ReaderFactory,
  ReadUrlResponseFactory,
} from '@backstage/backend-defaults/urlReader';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { execFile } from 'node:child_process';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { LocalGitRemotes } from './LocalGitRemotes';
import { readLocalGitConfig } from '../config';

const exec = promisify(execFile);

/**
 * Reads files of the local git remotes through URLs of the form `https://<host>/<repo>/blob/<branch>/<path>`
 * (host `git.localhost` by default), straight from the bare repositories. This lets upstream actions and the
 * catalog (`catalog:register`, url locations) treat a local repository like one on a git host.
 */
export class LocalGitUrlReader implements UrlReaderService {
  static factory: ReaderFactory = ({ config }) => {
    const local = readLocalGitConfig(config);
    if (!local) return [];
    const reader = new LocalGitUrlReader(new LocalGitRemotes(local.root));
    return [{ reader, predicate: (url: URL) => url.host === local.host }];
  };

  constructor(private readonly remotes: LocalGitRemotes) {}

  async readUrl(
    url: string,
    _options?: UrlReaderServiceReadUrlOptions,
  ): Promise<UrlReaderServiceReadUrlResponse> {
    return ReadUrlResponseFactory.fromReadable(
      Readable.from([await this.readFile(url)]),
    );
  }

  /** Only exact file URLs (the catalog reads single files through search); globs are not supported. */
  async search(url: string): Promise<UrlReaderServiceSearchResponse> {
    if (/[*?[\]{}]/.test(url)) {
      throw new NotAllowedError(
        'Glob patterns are not supported for local git repositories',
      );
    }
    const content = await this.readFile(url).catch(error => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    });
    return {
      files: content ? [{ url, content: async () => content }] : [],
      etag: '',
    };
  }

  private async readFile(url: string): Promise<Buffer> {
    const match = new URL(url).pathname.match(
      /^\/([a-z0-9][a-z0-9-]*)\/blob\/(\w[\w.\/-]*?)\/((?!\.\.)[\w.][^:]*)$/,
    );
    if (!match) {
      throw new NotAllowedError(`Not a local git file URL: ${url}`);
    }
    // Branch and path start with a word character (a path also with a dot, for files like .nvmrc, but not `..`), so
    // neither can be read by git as an option.
    const [, repo, branch, file] = match;
    const { stdout } = await exec('git', ['show', `${branch}:${file}`], {
      cwd: this.remotes.remotePath(repo),
      encoding: 'buffer',
      maxBuffer: 10 * 1024 * 1024,
    }).catch(() => {
      throw new NotFoundError(`${url} not found`);
    });
    return stdout;
  }

  async readTree(): Promise<UrlReaderServiceReadTreeResponse> {
    throw new NotAllowedError(
      'Reading trees from local git repositories is not supported',
    );
  }

  toString() {
    return 'local-git';
  }
}
