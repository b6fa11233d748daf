import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { TestPause } from '../config';

/**
 * What our checkpoints store: plain strings (JSON, as the task state in the database needs).
 *
 * @public
 */
export type CheckpointValue = string | null | { [key: string]: string };

/** @public */
export type CheckpointContext = Pick<
  ActionContext<any, any>,
  'checkpoint' | 'logger' | 'templateInfo'
>;

/**
 * `ctx.checkpoint` that also says whether this run did the work (`reused: false`) or took the result an earlier
 * run of the same task recorded (`reused: true`: a recovered task re-running the step it was killed in).
 * With a test pause configured for this task's template, a run that did the work then waits before its step
 * can complete, so a crash test can kill the backend between the side effect and the end of the step.
 *
 * @public
 */
export async function checkpointOnce<T extends CheckpointValue>(
  ctx: CheckpointContext,
  opts: { key: string; action: string; fn: () => Promise<T> },
  testPause?: TestPause,
): Promise<{ value: T; reused: boolean }> {
  let ran = false;
  const value = await ctx.checkpoint<T>({
    key: opts.key,
    fn: async () => {
      ran = true;
      return opts.fn();
    },
  });
  if (ran && testPause && ctx.templateInfo?.entityRef === testPause.template) {
    ctx.logger.warn(
      `Test pause: ${opts.action} waits ${testPause.seconds} s after its side effect, before its step completes`,
    );
    await new Promise(resolve => setTimeout(resolve, testPause.seconds * 1000));
  }
  return { value, reused: !ran };
}
