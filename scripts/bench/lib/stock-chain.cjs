// Bench only (node --require, from scripts/bench/breaker.mjs; never loaded by the production image): runs our backend
// with the stock HTTP chain, i.e. with neither of our router overrides: `createBackend().add()` drops the service
// factories for coreServices.httpRouter (circuit-breaker-backend's) and coreServices.rootHttpRouter
// (graceful-shutdown-backend's), so backend-defaults' own factories serve every plugin. Everything else is as shipped.
// BENCH_STOCK_SERVICES=core.httpRouter (or core.rootHttpRouter) drops only that one, to tell their costs apart.
const path = require('node:path');

const DROPPED = new Set(
  (process.env.BENCH_STOCK_SERVICES || 'core.httpRouter,core.rootHttpRouter')
    .split(',')
    .filter(Boolean),
);
// The backend-defaults the bundle's entry point loads (resolved from its folder, so the same module instance).
const defaults = require(require.resolve('@backstage/backend-defaults', {
  paths: [path.resolve('packages/backend'), process.cwd()],
}));
const createBackend = defaults.createBackend;
defaults.createBackend = (...args) => {
  const backend = createBackend(...args);
  const add = backend.add.bind(backend);
  backend.add = feature => {
    if (feature?.featureType === 'service' && DROPPED.has(feature.service?.id))
      return;
    add(feature);
  };
  return backend;
};
