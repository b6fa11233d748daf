import {
  UrlReaderService,
  UrlReaderServiceReadTreeOptions,
  UrlReaderServiceReadTreeResponse,
  UrlReaderServiceReadUrlOptions,
  UrlReaderServiceReadUrlResponse,
  UrlReaderServiceSearchResponse,
} from '@backstage/backend-plugin-api';
import {
  ReaderFactory,
  ReadTreeResponseFactory,
  ReadUrlResponseFactory,
} from '@backstage/backend-defaults/urlReader';
import {
  NotAllowedError,
  NotFoundError,
  NotModifiedError,
} from '@backstage/errors';
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
  static factory: ReaderFactory = ({ config, treeResponseFactory }) => {
    const local = readLocalGitConfig(config);
    if (!local) return [];
    const reader = new LocalGitUrlReader(
      new LocalGitRemotes(local.root),
      treeResponseFactory,
    );
    return [{ reader, predicate: (url: URL) => url.host === local.host }];
  };

  constructor(
    private readonly remotes: LocalGitRemotes,
    private readonly treeResponseFactory?: ReadTreeResponseFactory,
  ) {}

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

  /**
   * A folder of a branch, `https://<host>/<repo>/(blob|tree)/<branch>[/<path>]`: what TechDocs reads for a component
   * annotated `backstage.io/techdocs-ref: dir:.` that a golden path published here. The etag is the commit, so an
   * unchanged branch answers NotModifiedError and its docs are not built again.
   */
  async readTree(
    url: string,
    options?: UrlReaderServiceReadTreeOptions,
  ): Promise<UrlReaderServiceReadTreeResponse> {
    if (!this.treeResponseFactory) {
      throw new NotAllowedError('This reader was made without a tree factory');
    }
    const match = new URL(url).pathname.match(
      /^\/([a-z0-9][a-z0-9-]*)\/(?:blob|tree)\/(\w[\w.\/-]*?)(?:\/((?!\.\.)[\w.][^:]*?))?\/?$/,
    );
    if (!match) {
      throw new NotAllowedError(`Not a local git folder URL: ${url}`);
    }
    const [, repo, branch, subpath = ''] = match;
    const cwd = this.remotes.remotePath(repo);
    const commit = await exec(
      'git',
      ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`],
      { cwd },
    ).then(
      r => r.stdout.trim(),
      () => {
        throw new NotFoundError(`${url} not found`);
      },
    );
    if (options?.etag && options.etag === commit) {
      throw new NotModifiedError();
    }
    // The whole commit under one top folder, which the factory strips; subpath then picks the folder.
    const { stdout } = await exec(
      'git',
      ['archive', '--format=tar', '--prefix=tree/', commit],
      { cwd, encoding: 'buffer', maxBuffer: 100 * 1024 * 1024 },
    );
    return this.treeResponseFactory.fromTarArchive({
      stream: Readable.from([stdout]),
      subpath: subpath.replace(/\/$/, ''),
      etag: commit,
      filter: options?.filter,
    });
  }

  toString() {
    return 'local-git';
  }
}
