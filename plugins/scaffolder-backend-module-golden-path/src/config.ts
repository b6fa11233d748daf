import { Config } from '@backstage/config';

/**
 * Test only (system-tests/recovery.test.mjs): after its side effect, each of our checkpointed actions waits `seconds` before its
 * step can complete, in tasks of `template` (an entity ref), so a crash test can kill the backend there.
 *
 * @public
 */
export interface TestPause {
  seconds: number;
  template: string;
}

/**
 * `scaffolder.goldenPath.testPauseAfterSideEffect`: absent from every committed app-config, so off.
 *
 * @public
 */
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
