export interface Config {
  backend?: {
    circuitBreaker?: {
      /**
       * Test-only: makes the backend load the dev-only fault-injection plugin (`GET /api/fault-injection/fail`
       * answers 500) so end-to-end tests can open a breaker. Set only in e2e/app-config.e2e.yaml; the package is
       * not installed in production, and the plugin refuses to run with NODE_ENV=production.
       */
      faultInjection?: boolean;
    };
  };
}
