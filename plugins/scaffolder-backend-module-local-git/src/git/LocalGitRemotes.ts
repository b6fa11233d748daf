import { ConflictError, NotFoundError } from '@backstage/errors';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Commits made by our actions carry the task id, so a re-run can recognise its own earlier work. */
export const taskMarker = (taskId: string) => `Backstage-Task: ${taskId}`;

export interface Author {
  name: string;
  email: string;
}

export interface PublishResult {
  remoteUrl: string;
  commitHash: string;
  /** A checkout of the default branch, readable by the catalog's file locations. */
  checkoutPath: string;
}

/**
 * Real git repositories on the local disk, standing in for a git host on a laptop and in tests: one bare
 * repository per project (`<root>/<name>.git`) and a checkout of its default branch (`<root>/checkouts/<name>`).
 * Uses the git CLI; every write is a normal commit and push.
 */
export class LocalGitRemotes {
  constructor(private readonly root: string) {}

  remotePath(name: string) {
    return path.join(this.root, `${name}.git`);
  }

  checkoutPath(name: string) {
    return path.join(this.root, 'checkouts', name);
  }

  /**
   * Creates `<name>.git` with one commit holding `sourceDir`. Idempotent per task: if the repository already holds
   * this task's commit (a restarted task), it is returned as is; a repository made by anyone else is a conflict.
   */
  async publishNew(opts: {
    name: string;
    sourceDir: string;
    defaultBranch: string;
    message: string;
    author: Author;
    taskId: string;
  }): Promise<PublishResult> {
    const remote = this.remotePath(opts.name);
    if (await exists(remote)) {
      const existing = await this.findTaskCommit(
        remote,
        opts.defaultBranch,
        opts.taskId,
      );
      if (!existing) {
        throw new ConflictError(
          `A repository named '${opts.name}' already exists; choose another name`,
        );
      }
      await this.refreshCheckout(opts.name, opts.defaultBranch);
      return {
        remoteUrl: pathToUrl(remote),
        commitHash: existing,
        checkoutPath: this.checkoutPath(opts.name),
      };
    }

    // Build the repository beside its final place and rename it in, so a crash never leaves a half-made remote.
    await fs.mkdir(this.root, { recursive: true });
    const staging = await fs.mkdtemp(
      path.join(this.root, `.staging-${opts.name}-`),
    );
    try {
      await git(
        staging,
        'init',
        '--quiet',
        `--initial-branch=${opts.defaultBranch}`,
      );
      await fs.cp(opts.sourceDir, staging, {
        recursive: true,
        filter: src => path.basename(src) !== '.git',
      });
      const commitHash = await this.commitAll(
        staging,
        opts.message,
        opts.author,
        opts.taskId,
      );
      const bare = `${staging}.git`;
      await git(this.root, 'clone', '--quiet', '--bare', staging, bare);
      await fs.rename(bare, remote);
      await this.refreshCheckout(opts.name, opts.defaultBranch);
      return {
        remoteUrl: pathToUrl(remote),
        commitHash,
        checkoutPath: this.checkoutPath(opts.name),
      };
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
      await fs.rm(`${staging}.git`, { recursive: true, force: true });
    }
  }

  /**
   * Pushes `files` (a directory whose contents are copied over the repository) as a new branch of an existing
   * repository: the local stand-in for a pull request. Idempotent per task like `publishNew`.
   */
  async proposeChange(opts: {
    name: string;
    sourceDir: string;
    baseBranch: string;
    branch: string;
    message: string;
    author: Author;
    taskId: string;
  }): Promise<{ commitHash: string; remoteUrl: string }> {
    const remote = this.remotePath(opts.name);
    if (!(await exists(remote))) {
      throw new NotFoundError(
        `No repository named '${opts.name}' to propose a change to`,
      );
    }
    const remoteUrl = pathToUrl(remote);
    if (await branchExists(remote, opts.branch)) {
      const existing = await this.findTaskCommit(
        remote,
        opts.branch,
        opts.taskId,
      );
      if (!existing) {
        throw new ConflictError(
          `Branch '${opts.branch}' already exists in '${opts.name}'`,
        );
      }
      return { commitHash: existing, remoteUrl };
    }
    const work = await fs.mkdtemp(
      path.join(this.root, `.change-${opts.name}-`),
    );
    try {
      await git(
        this.root,
        'clone',
        '--quiet',
        '--branch',
        opts.baseBranch,
        remote,
        work,
      );
      await git(work, 'checkout', '--quiet', '-b', opts.branch);
      await fs.cp(opts.sourceDir, work, {
        recursive: true,
        filter: src => path.basename(src) !== '.git',
      });
      const commitHash = await this.commitAll(
        work,
        opts.message,
        opts.author,
        opts.taskId,
      );
      await git(work, 'push', '--quiet', 'origin', opts.branch);
      return { commitHash, remoteUrl };
    } finally {
      await fs.rm(work, { recursive: true, force: true });
    }
  }

  /** Commits of a branch, newest first (for tests and checks). */
  async log(name: string, branch: string): Promise<string[]> {
    const { stdout } = await git(
      this.remotePath(name),
      'log',
      '--format=%H %s',
      branch,
    );
    return stdout.trim().split('\n').filter(Boolean);
  }

  private async commitAll(
    dir: string,
    message: string,
    author: Author,
    taskId: string,
  ) {
    await git(dir, 'add', '--all');
    await git(
      dir,
      '-c',
      `user.name=${author.name}`,
      '-c',
      `user.email=${author.email}`,
      'commit',
      '--quiet',
      '-m',
      message,
      '-m',
      taskMarker(taskId),
    );
    return (await git(dir, 'rev-parse', 'HEAD')).stdout.trim();
  }

  private async findTaskCommit(remote: string, branch: string, taskId: string) {
    const { stdout } = await git(
      remote,
      'log',
      '--format=%H',
      `--grep=^${taskMarker(taskId)}$`,
      branch,
    ).catch(() => ({ stdout: '' }));
    return stdout.trim().split('\n').filter(Boolean)[0];
  }

  private async refreshCheckout(name: string, branch: string) {
    const checkout = this.checkoutPath(name);
    if (await exists(checkout)) {
      await git(checkout, 'pull', '--quiet', '--ff-only', 'origin', branch);
    } else {
      await fs.mkdir(path.dirname(checkout), { recursive: true });
      await git(
        this.root,
        'clone',
        '--quiet',
        '--branch',
        branch,
        this.remotePath(name),
        checkout,
      );
    }
  }
}

async function git(cwd: string, ...args: string[]) {
  // No prompts and no user/system config leaking in: the same result on a laptop and in CI.
  return exec('git', args, {
    cwd,
    env: {
      ...process.env,
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
    },
  });
}

async function branchExists(remote: string, branch: string) {
  return git(
    remote,
    'rev-parse',
    '--verify',
    '--quiet',
    `refs/heads/${branch}`,
  ).then(
    () => true,
    () => false,
  );
}

async function exists(p: string) {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}

function pathToUrl(p: string) {
  return `file://${p}`;
}
