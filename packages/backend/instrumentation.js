// OpenTelemetry for the backend, as upstream documents it (docs/tutorials/setup-opentelemetry): the SDK is started
// before any backend code is loaded, so the metrics API the plugins call (the catalog's, the scaffolder's, the circuit
// breakers' in plugins/circuit-breaker-backend) reports to it. Loaded with
//   node --require ./packages/backend/instrumentation.js packages/backend --config ...
// (the Dockerfile's CMD); without it those metrics are no-ops.
//
// Metrics are served for Prometheus on their own port, never the backend's: GET http://<task>:9464/metrics, port and
// host from OTEL_EXPORTER_PROMETHEUS_PORT / OTEL_EXPORTER_PROMETHEUS_HOST (the specification's names). On ECS a
// sidecar in the same task scrapes it over localhost (README, Operations: Metrics). Traces and logs are not exported:
// the SDK would otherwise default to OTLP on localhost:4318, where nothing listens.

// Once per process: worker threads load --require'd modules too.
const { isMainThread } = require('node:worker_threads');

if (isMainThread) {
  const { NodeSDK } = require('@opentelemetry/sdk-node');
  const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');

  const prometheus = new PrometheusExporter(
    {
      port: Number(process.env.OTEL_EXPORTER_PROMETHEUS_PORT || 9464),
      host: process.env.OTEL_EXPORTER_PROMETHEUS_HOST || undefined,
    },
    error => {
      // A taken port must not stop the portal; the missing scrape target is what operators will see.
      if (error)
        console.error(`Prometheus metrics endpoint not started: ${error}`);
    },
  );
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME ?? 'developer-portal',
    metricReaders: [prometheus],
    spanProcessors: [],
    logRecordProcessors: [],
  });
  sdk.start();
  // The backend handles SIGTERM itself (graceful shutdown) and exits when it is done; the SDK closes its port then.
  process.once('beforeExit', () => sdk.shutdown().catch(() => {}));
}
