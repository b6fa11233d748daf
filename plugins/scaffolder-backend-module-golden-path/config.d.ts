export interface Config {
  scaffolder?: {
    /**
     * Local git remotes for development and tests: templates publish to real bare repositories on this machine
     * instead of GitHub. Leave unset in production.
     */
    localGit?: {
      /** Folder for the bare repositories and their checkouts (relative to the backend's working directory). */
      root: string;
      /** Host name of the URLs that address files in these repositories. Default: git.localhost */
      host?: string;
      /**
       * Secret that signs the short-lived per-user publish tokens.
       * @visibility secret
       */
      tokenSecret: string;
    };
    goldenPath?: {
      /**
       * TEST ONLY, never set in a committed app-config: set by the crash test's config layer
       * (scripts/recovery/scaffolder-recovery.mjs). In tasks of `template`, each of our actions waits `seconds`
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
