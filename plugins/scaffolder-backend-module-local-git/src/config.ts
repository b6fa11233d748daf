import { Config } from '@backstage/config';
import path from 'node:path';

export interface LocalGitConfig {
  /** Folder holding the bare repositories (`<name>.git`) and their checkouts. */
  root: string;
  /** Host name of the URLs that address files in them, e.g. `https://git.localhost/<repo>/blob/main/x.yaml`. */
  host: string;
  /** Signs the per-user publish tokens. */
  tokenSecret: string;
}

/** `scaffolder.localGit`, or undefined when the local git remotes are not configured. */
export function readLocalGitConfig(config: Config): LocalGitConfig | undefined {
  const local = config.getOptionalConfig('scaffolder.localGit');
  if (!local) return undefined;
  return {
    root: path.resolve(local.getString('root')),
    host: local.getOptionalString('host') ?? 'git.localhost',
    tokenSecret: local.getString('tokenSecret'),
  };
}
