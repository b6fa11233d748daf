// Bench only (node --require, from scripts/bench/stock.mjs --variants; never loaded by the production image): runs our
// backend without the plugins named in BENCH_DROP_PLUGINS (comma-separated plugin ids, a plugin's modules going with
// it, or `<pluginId>.<moduleId>` for one module), so that a start with and one without them attribute RSS and background CPU to those plugins. Every other
// feature is added as shipped. A dropped feature is replaced by a feature loader that loads nothing.
const path = require('node:path');

const dropped = new Set(
  (process.env.BENCH_DROP_PLUGINS ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean),
);
// The backend-defaults and backend-plugin-api the bundle's entry point loads (resolved from its folder).
const resolveFrom = name =>
  require(require.resolve(name, {
    paths: [path.resolve('packages/backend'), process.cwd()],
  }));
const defaults = resolveFrom('@backstage/backend-defaults');
const { createBackendFeatureLoader } = resolveFrom(
  '@backstage/backend-plugin-api',
);
// A fresh one each time: the backend may refuse the same feature object twice.
const nothing = () => createBackendFeatureLoader({ loader: () => [] });

/** True when the feature registers a plugin in `dropped`, a module for one, or a module named in it. */
function isDropped(feature) {
  const f = feature?.default ?? feature;
  if (f?.featureType !== 'registrations') return false;
  return f
    .getRegistrations()
    .some(
      r =>
        (r.type === 'plugin' || r.type === 'module') &&
        (dropped.has(r.pluginId) ||
          (r.type === 'module' && dropped.has(`${r.pluginId}.${r.moduleId}`))),
    );
}

const createBackend = defaults.createBackend;
defaults.createBackend = (...args) => {
  const backend = createBackend(...args);
  const add = backend.add.bind(backend);
  backend.add = feature => {
    if (typeof feature?.then === 'function')
      return add(feature.then(m => (isDropped(m) ? nothing() : m)));
    return add(isDropped(feature) ? nothing() : feature);
  };
  return backend;
};
