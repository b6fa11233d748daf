export interface Config {
  scaffolder?: {
    goldenPath?: {
      /**
       * TEST ONLY, never set in a committed app-config: set by the crash test's config layer
       * (system-tests/recovery.test.mjs). In tasks of `template`, each of our checkpointed actions (this
       * module's and the dev-only local git module's) waits `seconds`
       * after its side effect (and its checkpoint), before its step completes, so the test can kill the backend
       * there and check that the recovered task creates nothing twice. Off when absent.
       */
      testPauseAfterSideEffect?: {
        /** How long to wait, in seconds. */
        seconds: number;
        /** Entity ref of the template whose tasks pause, e.g. template:default/recovery-crash-probe. */
        template: string;
      };
    };
  };
}
