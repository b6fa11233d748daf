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

/** `scaffolder.localGit`, or undefined when the local git remotes are not configured (production). */
export function readLocalGitConfig(config: Config): LocalGitConfig | undefined {
  const local = config.getOptionalConfig('scaffolder.localGit');
  if (!local) return undefined;
  return {
    root: path.resolve(local.getString('root')),
    host: local.getOptionalString('host') ?? 'git.localhost',
    tokenSecret: local.getString('tokenSecret'),
  };
}

/**
 * Test only (scripts/recovery): after its side effect, each of our actions waits `seconds` before its step can
 * complete, in tasks of `template` (an entity ref), so a crash test can kill the backend there.
 */
export interface TestPause {
  seconds: number;
  template: string;
}

/** `scaffolder.goldenPath.testPauseAfterSideEffect`: absent from every committed app-config, so off. */
export function readTestPause(config: Config): TestPause | undefined {
  const pause = config.getOptionalConfig(
    'scaffolder.goldenPath.testPauseAfterSideEffect',
  );
  if (!pause) return undefined;
  return {
    seconds: pause.getNumber('seconds'),
    template: pause.getString('template'),
  };
}
