import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { mockServices } from '@backstage/backend-test-utils';
import { NotModifiedError } from '@backstage/errors';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalGitUrlReader } from './LocalGitUrlReader';

/** Files of a folder, relative, sorted. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, {
    recursive: true,
    withFileTypes: true,
  });
  return entries
    .filter(e => e.isFile())
    .map(e => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('LocalGitUrlReader.readTree (what TechDocs reads for dir:.)', () => {
  let root: string;
  let commit: string;
  const dirs: string[] = [];

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'local-git-tree-'));
    const work = await fs.mkdtemp(path.join(os.tmpdir(), 'local-git-work-'));
    dirs.push(work);
    await fs.mkdir(path.join(work, 'docs'));
    await fs.writeFile(path.join(work, 'mkdocs.yml'), 'site_name: demo\n');
    await fs.writeFile(path.join(work, 'docs', 'index.md'), '# Demo\n');
    await fs.writeFile(path.join(work, 'catalog-info.yaml'), 'kind: x\n');
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: work, stdio: 'pipe' }).toString();
    git('init', '--quiet', '--initial-branch=main');
    git('add', '.');
    git(
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.com',
      'commit',
      '-qm',
      'c',
    );
    commit = git('rev-parse', 'HEAD').trim();
    git('clone', '--quiet', '--bare', work, path.join(root, 'demo.git'));
  });

  afterEach(async () => {
    for (const d of [root, ...dirs.splice(0)]) {
      await fs.rm(d, { recursive: true, force: true });
    }
  });

  // Through the backend's own UrlReaders mux, as TechDocs and the catalog get it.
  const reader = () =>
    UrlReaders.create({
      config: mockServices.rootConfig({
        data: {
          scaffolder: {
            localGit: { root, host: 'git.localhost', tokenSecret: 's' },
          },
        },
      }),
      logger: mockServices.logger.mock(),
      factories: [LocalGitUrlReader.factory],
    });

  it('reads the folder of a branch with the commit as etag, and answers NotModified for that etag', async () => {
    // The source location the catalog gives a component registered from .../blob/main/catalog-info.yaml.
    const tree = await reader().readTree(
      'https://git.localhost/demo/blob/main/',
    );
    expect(tree.etag).toBe(commit);
    const dir = await tree.dir();
    dirs.push(dir);
    expect(await listFiles(dir)).toEqual([
      'catalog-info.yaml',
      'docs/index.md',
      'mkdocs.yml',
    ]);
    expect(await fs.readFile(path.join(dir, 'docs/index.md'), 'utf8')).toBe(
      '# Demo\n',
    );
    await expect(
      reader().readTree('https://git.localhost/demo/blob/main/', {
        etag: commit,
      }),
    ).rejects.toThrow(NotModifiedError);
  });

  it('reads a sub folder, and refuses missing branches and repositories and other URL forms', async () => {
    const tree = await reader().readTree(
      'https://git.localhost/demo/tree/main/docs',
    );
    const dir = await tree.dir();
    dirs.push(dir);
    expect(await listFiles(dir)).toEqual(['index.md']);
    await expect(
      reader().readTree('https://git.localhost/demo/blob/nope/'),
    ).rejects.toThrow(/not found/);
    await expect(
      reader().readTree('https://git.localhost/other/blob/main/'),
    ).rejects.toThrow(/not found/);
    await expect(
      reader().readTree('https://git.localhost/demo/raw/main/'),
    ).rejects.toThrow(/Not a local git folder URL/);
  });
});
