export interface Config {
  backend?: {
    /**
     * Graceful shutdown (@internal/backend-graceful-shutdown). On SIGTERM the HTTP server first waits
     * `backend.lifecycle.serverShutdownDelay` (upstream key: readiness already answers 503, so the load balancer stops
     * sending), then stops accepting connections and lets in-flight requests finish for at most `drainTimeout`;
     * connections still open then (event streams, websockets) are closed. Only after that do plugins stop and the
     * database pools close. If shutdown as a whole still hangs, the process exits 1 after `exitTimeout`.
     */
    gracefulShutdown?: {
      /** How long in-flight requests may take to finish. Default: 15 seconds (0 when NODE_ENV=development). */
      drainTimeout?: string | import('@backstage/types').HumanDuration;
      /** Hard limit from SIGTERM to exit, kept below the orchestrator's kill timeout (ECS: 30 s). Default: 25 seconds. */
      exitTimeout?: string | import('@backstage/types').HumanDuration;
    };
  };
}
