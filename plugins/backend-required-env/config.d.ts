export interface Config {
  backend?: {
    /**
     * Environment variables that must be set (non-empty) for the backend to start. Backstage drops a config value
     * whose `${VAR}` is unset, so a later config file silently falls back to an earlier file's value (or to
     * nothing): listing the variables here turns that into a start-up error that names them.
     */
    requiredEnvironment?: string[];
  };
}
