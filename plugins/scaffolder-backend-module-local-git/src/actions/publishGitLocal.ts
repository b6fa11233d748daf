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
 * `publish:git-local`: publishes the workspace as a new repository on the local git remotes. The dev/test
 * counterpart of `publish:github`. Needs the user's publish token in the task secrets (`secrets.publishToken`,
 * set by the app's publish-token form decorator).
 */
export function createPublishGitLocalAction(
  local: LocalGitConfig,
  testPause?: TestPause,
) {
  const remotes = new LocalGitRemotes(local.root);
  const tokens = new PublishTokens(local.tokenSecret);
  return createTemplateAction({
    id: 'publish:git-local',
    description:
      'Publishes the workspace as a new repository with one commit on the local git remotes (development and tests)',
    supportsDryRun: false,
    schema: {
      input: {
        repoName: z =>
          z
            .string()
            .regex(
              /^[a-z0-9][a-z0-9-]{1,62}$/,
              'lowercase letters, digits and dashes, 2-63 characters',
            ),
        description: z => z.string().optional(),
        defaultBranch: z =>
          z
            .string()
            .regex(/^\w[\w.-]*$/)
            .optional()
            .describe('Default: main'),
        sourcePath: z =>
          z
            .string()
            .optional()
            .describe('Subdirectory of the workspace to publish'),
        gitCommitMessage: z =>
          z.string().optional().describe('Default: Initial commit'),
      },
      output: {
        remoteUrl: z => z.string(),
        repoContentsUrl: z =>
          z.string().describe('Base URL of the files, readable by the catalog'),
        commitHash: z => z.string(),
      },
    },
    async handler(ctx) {
      tokens.verify(ctx.secrets?.publishToken, ctx.user?.ref);
      // Schema defaults describe the action; the runner does not apply them to ctx.input.
      const { repoName } = ctx.input;
      const defaultBranch = ctx.input.defaultBranch ?? 'main';
      const gitCommitMessage = ctx.input.gitCommitMessage ?? 'Initial commit';
      const sourceDir = resolveInsideWorkspace(
        ctx.workspacePath,
        ctx.input.sourcePath,
      );
      const author = {
        name:
          ctx.user?.entity?.spec?.profile?.displayName ??
          'Backstage Scaffolder',
        email:
          ctx.user?.entity?.spec?.profile?.email ??
          'scaffolder@backstage.local',
      };
      // A restarted task finds the result of its earlier run here and creates nothing twice; publishNew is also
      // idempotent for this task id, which covers a crash between the push and the checkpoint being saved.
      const { value: result, reused } = await checkpointOnce(
        ctx,
        {
          key: `publish-git-local.${repoName}`,
          action: 'publish:git-local',
          fn: async () => {
            const published = await remotes.publishNew({
              name: repoName,
              sourceDir,
              defaultBranch,
              message: gitCommitMessage,
              author,
              taskId: ctx.task.id,
            });
            return {
              remoteUrl: published.remoteUrl,
              commitHash: published.commitHash,
            };
          },
        },
        testPause,
      );
      ctx.logger.info(
        reused
          ? `${repoName} was published by an earlier run of this task (${result.commitHash}); not publishing again`
          : `Published ${repoName} at ${result.remoteUrl} (${result.commitHash})`,
      );
      ctx.output('remoteUrl', result.remoteUrl);
      ctx.output(
        'repoContentsUrl',
        `https://${local.host}/${repoName}/blob/${defaultBranch}`,
      );
      ctx.output('commitHash', result.commitHash);
    },
  });
}
