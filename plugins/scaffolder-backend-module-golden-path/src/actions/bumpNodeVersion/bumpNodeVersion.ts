import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import type { UrlReaderService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { InputError, isError, NotFoundError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { NODE_VERSION_FILES } from './nodeVersionFiles';
import { repositoryOf } from './repositoryOf';

/**
 * `node:bump-version`: reads the Node.js version files of a component's repository (`.nvmrc`, `.node-version`,
 * package.json `engines.node`, Dockerfile `FROM node:`) through the backend's URL readers and writes those below
 * the wanted major, bumped, into the workspace, at their place in the repository. A publish step then proposes
 * them as a change. It changes nothing outside the workspace, so a restarted task simply runs it again.
 */
export function createBumpNodeVersionAction(reader: UrlReaderService) {
  return createTemplateAction({
    id: 'node:bump-version',
    description:
      "Writes a component's Node.js version files (.nvmrc, .node-version, package.json engines.node, Dockerfile FROM node) bumped to a major into the workspace",
    supportsDryRun: true,
    schema: {
      input: {
        entity: z =>
          z
            .object({
              kind: z.string(),
              metadata: z
                .object({
                  name: z.string(),
                  annotations: z.record(z.string()).optional(),
                })
                .passthrough(),
            })
            .passthrough()
            .describe('The component, as catalog:fetch outputs it'),
        nodeVersion: z => z.number().int().min(18).max(99),
        targetPath: z =>
          z
            .string()
            .optional()
            .describe('Workspace folder standing for the repository root'),
      },
      output: {
        repoName: z => z.string(),
        owner: z => z.string().optional(),
        /** `<host>?owner=<owner>&repo=<name>`, as publish:github:pull-request takes it. */
        repoUrl: z => z.string(),
        branch: z => z.string(),
        changedFiles: z => z.array(z.string()),
        description: z => z.string(),
      },
    },
    async handler(ctx) {
      const { nodeVersion } = ctx.input;
      const repo = repositoryOf(ctx.input.entity as Entity);
      const target = resolveSafeChildPath(
        ctx.workspacePath,
        ctx.input.targetPath ?? '.',
      );
      const changes: string[] = [];
      const changedFiles: string[] = [];
      for (const file of NODE_VERSION_FILES) {
        const url = repo.fileUrl(file.path);
        const text = await read(reader, url);
        if (text === undefined) continue;
        const bump = file.bump(text, nodeVersion);
        if (!bump) continue;
        const repoPath = `${repo.dir}${file.path}`;
        const out = resolveSafeChildPath(target, repoPath);
        await fs.mkdir(path.dirname(out), { recursive: true });
        await fs.writeFile(out, bump.text);
        changedFiles.push(repoPath);
        changes.push(`- \`${repoPath}\`: ${bump.change}`);
      }
      if (!changedFiles.length) {
        throw new InputError(
          `Nothing to bump in ${repo.name}${
            repo.dir ? `/${repo.dir}` : ''
          } on ${repo.branch}: no ${NODE_VERSION_FILES.map(f => f.path).join(
            ', ',
          )} pins a Node.js major below ${nodeVersion}`,
        );
      }
      ctx.logger.info(
        `Bumped ${changedFiles.join(', ')} of ${
          repo.name
        } to Node.js ${nodeVersion}`,
      );
      ctx.output('repoName', repo.name);
      if (repo.owner) ctx.output('owner', repo.owner);
      ctx.output(
        'repoUrl',
        `${repo.host}?${new URLSearchParams({
          ...(repo.owner ? { owner: repo.owner } : {}),
          repo: repo.name,
        })}`,
      );
      ctx.output('branch', repo.branch);
      ctx.output('changedFiles', changedFiles);
      ctx.output(
        'description',
        `Moves ${repo.name} to Node.js ${nodeVersion}:\n\n${changes.join(
          '\n',
        )}`,
      );
    },
  });
}

/** A file's text, or undefined when the repository has no such file. */
async function read(reader: UrlReaderService, url: string) {
  try {
    const response = await reader.readUrl(url);
    return (await response.buffer()).toString('utf8');
  } catch (error) {
    if (isError(error) && error.name === NotFoundError.name) return undefined;
    throw error;
  }
}
