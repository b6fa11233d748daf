import { InputError } from '@backstage/errors';
import path from 'node:path';

/** Resolves an optional subdirectory of the task workspace, refusing paths that leave it. */
export function resolveInsideWorkspace(workspacePath: string, subdir?: string) {
  const resolved = path.resolve(workspacePath, subdir ?? '.');
  if (
    resolved !== workspacePath &&
    !resolved.startsWith(`${workspacePath}${path.sep}`)
  ) {
    throw new InputError(`Path '${subdir}' is outside the task workspace`);
  }
  return resolved;
}
