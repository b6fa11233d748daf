export interface Config {
  manage?: {
    /**
     * Test-only: makes the backend load the dev-only fault-injection module of the manage plugin, which adds these KPI
     * providers so end-to-end tests can show a tile's stale and failed states. Set only in e2e/app-config.e2e.yaml;
     * the package is not installed in production, and the module refuses to run with NODE_ENV=production.
     */
    faultInjection?: {
      providers: Array<{
        id: string;
        /** The KPI names the provider declares (its tiles show its state). */
        kpis: string[];
        /** `fail`: every run throws `error`. `empty`: every run succeeds with no samples. */
        behaviour: 'fail' | 'empty';
        error?: string;
        /** Default: every 10 minutes, first run 1 second after start. */
        frequencySeconds?: number;
      }>;
    };
  };
}
