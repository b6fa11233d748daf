import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalGitRemotes } from '../git/LocalGitRemotes';
import { LocalGitUrlReader } from '../git/LocalGitUrlReader';
import { PublishTokens } from '../publishToken/PublishTokens';
import { createProposeChangeGitLocalAction } from './proposeChangeGitLocal';
import { createPublishGitLocalAction } from './publishGitLocal';

const user = 'user:default/guest';

describe('local git actions (real git repositories in a temp folder)', () => {
  let root: string;
  let workspacePath: string;
  const local = () => ({
    root,
    host: 'git.localhost',
    tokenSecret: 'test-secret',
  });
  const token = () => new PublishTokens('test-secret').issue(user).token;

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'local-git-'));
    workspacePath = await fs.mkdtemp(path.join(os.tmpdir(), 'workspace-'));
    await fs.writeFile(
      path.join(workspacePath, 'catalog-info.yaml'),
      'kind: Component\n',
    );
    await fs.writeFile(path.join(workspacePath, 'README.md'), '# demo\n');
  });

  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
    await fs.rm(workspacePath, { recursive: true, force: true });
  });

  function context(
    taskId: string,
    input: object,
    publishToken: string | undefined = token(),
  ) {
    const ctx = createMockActionContext({
      input: input as any,
      workspacePath,
      secrets: publishToken ? { publishToken } : {},
      user: { ref: user },
    });
    (ctx as any).task = { id: taskId };
    return ctx;
  }

  it('publishes the workspace as a repository with one commit, readable by URL', async () => {
    const ctx = context('task-1', { repoName: 'demo-svc' });
    await createPublishGitLocalAction(local()).handler(ctx);

    const remotes = new LocalGitRemotes(root);
    expect(await remotes.log('demo-svc', 'main')).toEqual([
      expect.stringMatching(/^\w{40} Initial commit$/),
    ]);
    expect(ctx.output).toHaveBeenCalledWith(
      'repoContentsUrl',
      'https://git.localhost/demo-svc/blob/main',
    );
    const reader = new LocalGitUrlReader(remotes);
    const file = await reader.readUrl(
      'https://git.localhost/demo-svc/blob/main/catalog-info.yaml',
    );
    expect((await file.buffer()).toString()).toBe('kind: Component\n');
    const found = await reader.search(
      'https://git.localhost/demo-svc/blob/main/catalog-info.yaml',
    );
    expect(found.files).toHaveLength(1);
    await expect(
      reader.readUrl('https://git.localhost/demo-svc/blob/main/missing.yaml'),
    ).rejects.toThrow(/not found/);
  });

  it('reads dotfiles such as .nvmrc by URL, but no path that starts with ..', async () => {
    await fs.writeFile(path.join(workspacePath, '.nvmrc'), '18\n');
    await createPublishGitLocalAction(local()).handler(
      context('task-1', { repoName: 'demo-svc' }),
    );
    const reader = new LocalGitUrlReader(new LocalGitRemotes(root));
    const file = await reader.readUrl(
      'https://git.localhost/demo-svc/blob/main/.nvmrc',
    );
    expect((await file.buffer()).toString()).toBe('18\n');
    await expect(
      reader.readUrl('https://git.localhost/demo-svc/blob/main/../x'),
    ).rejects.toThrow('Not a local git file URL');
  });

  it('creates nothing twice when the same task runs again (restart after a crash)', async () => {
    const action = createPublishGitLocalAction(local());
    await action.handler(context('task-1', { repoName: 'demo-svc' }));
    const rerun = context('task-1', { repoName: 'demo-svc' });
    await action.handler(rerun);

    const commits = await new LocalGitRemotes(root).log('demo-svc', 'main');
    expect(commits).toHaveLength(1);
    expect(rerun.output).toHaveBeenCalledWith(
      'commitHash',
      commits[0].split(' ')[0],
    );
  });

  it("refuses another task's repository name, a missing token and paths outside the workspace", async () => {
    const action = createPublishGitLocalAction(local());
    await action.handler(context('task-1', { repoName: 'demo-svc' }));
    await expect(
      action.handler(context('task-2', { repoName: 'demo-svc' })),
    ).rejects.toThrow(/already exists/);
    await expect(
      action.handler(context('task-3', { repoName: 'other' }, '')),
    ).rejects.toThrow(/No publish token/);
    await expect(
      action.handler(
        context('task-4', { repoName: 'other', sourcePath: '../..' }),
      ),
    ).rejects.toThrow(/outside the task workspace/);
    expect(await fs.readdir(root)).toEqual(
      expect.not.arrayContaining(['other.git']),
    );
  });

  it('proposes a change as a new branch, once per task', async () => {
    await createPublishGitLocalAction(local()).handler(
      context('task-1', { repoName: 'legacy' }),
    );
    await fs.writeFile(
      path.join(workspacePath, 'catalog-info.yaml'),
      'kind: Component # imported\n',
    );
    const change = createProposeChangeGitLocalAction(local());
    const input = { repoName: 'legacy', title: 'Add catalog-info.yaml' };
    await change.handler(context('task-2', input));
    await change.handler(context('task-2', input));

    const remotes = new LocalGitRemotes(root);
    expect(await remotes.log('legacy', 'backstage-integration')).toEqual([
      expect.stringMatching(/ Add catalog-info.yaml$/),
      expect.stringMatching(/ Initial commit$/),
    ]);
    expect(await remotes.log('legacy', 'main')).toHaveLength(1);
    await expect(change.handler(context('task-3', input))).rejects.toThrow(
      /already exists/,
    );
  });
});
