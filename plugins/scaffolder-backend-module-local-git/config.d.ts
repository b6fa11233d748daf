export interface Config {
  scaffolder?: {
    /**
     * Local git remotes for development and tests: templates publish to real bare repositories on this machine
     * instead of GitHub. Setting it makes the backend load this (dev-only) module; production sets it to null.
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
  };
}
