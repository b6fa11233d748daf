import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  checkpointOnce,
  TestPause,
} from '@internal/plugin-scaffolder-backend-module-golden-path';
import { LocalGitConfig } from '../config';
import { LocalGitRemotes } from '../git/LocalGitRemotes';
import { PublishTokens } from '../publishToken/PublishTokens';
import { resolveInsideWorkspace } from './workspacePaths';

/**
 * `publish:git-local:change`: pushes the workspace's files as a new branch of an existing local repository, the
 * local stand-in for `publish:github:pull-request`. Idempotent per task.
 */
export function createProposeChangeGitLocalAction(
  local: LocalGitConfig,
  testPause?: TestPause,
) {
  const remotes = new LocalGitRemotes(local.root);
  const tokens = new PublishTokens(local.tokenSecret);
  return createTemplateAction({
    id: 'publish:git-local:change',
    description:
      'Proposes a change (a new branch with one commit) to an existing repository on the local git remotes',
    schema: {
      input: {
        repoName: z => z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/),
        branchName: z =>
          z
            .string()
            .regex(/^\w[\w.\/-]*$/)
            .optional()
            .describe('Default: backstage-integration'),
        baseBranch: z =>
          z
            .string()
            .regex(/^\w[\w.-]*$/)
            .optional()
            .describe('Default: main'),
        title: z => z.string().min(1),
        sourcePath: z => z.string().optional(),
      },
      output: {
        remoteUrl: z => z.string(),
        branchName: z => z.string(),
        commitHash: z => z.string(),
        targetBranchName: z => z.string(),
      },
    },
    async handler(ctx) {
      tokens.verify(ctx.secrets?.publishToken, ctx.user?.ref);
      const { repoName, title } = ctx.input;
      const branchName = ctx.input.branchName ?? 'backstage-integration';
      const baseBranch = ctx.input.baseBranch ?? 'main';
      const sourceDir = resolveInsideWorkspace(
        ctx.workspacePath,
        ctx.input.sourcePath,
      );
      const { value: result, reused } = await checkpointOnce(
        ctx,
        {
          key: `propose-change-git-local.${repoName}.${branchName}`,
          action: 'publish:git-local:change',
          fn: () =>
            remotes.proposeChange({
              name: repoName,
              sourceDir,
              baseBranch,
              branch: branchName,
              message: title,
              author: {
                name: 'Backstage Scaffolder',
                email: 'scaffolder@backstage.local',
              },
              taskId: ctx.task.id,
            }),
        },
        testPause,
      );
      ctx.logger.info(
        reused
          ? `Branch ${branchName} of ${repoName} was pushed by an earlier run of this task (${result.commitHash}); not pushing again`
          : `Pushed branch ${branchName} to ${repoName} (${result.commitHash})`,
      );
      ctx.output('remoteUrl', result.remoteUrl);
      ctx.output('branchName', branchName);
      ctx.output('commitHash', result.commitHash);
      ctx.output('targetBranchName', baseBranch);
    },
  });
}
