// Bench only (node --require, from `bench:stock --ab`; never loaded by the production image): every plugin's routes
// served twice by the same process: at /api/<pluginId> through our httpRouter chain (circuit breaker) and at
// /stock-chain/api/<pluginId> through backend-defaults' own httpRouter factory. Alternating loads on the two paths
// compare the two chains with everything else equal (same process, JIT and GC state, database pool), which
// separate starts cannot: the same build's req/s moves by ±25 % from one start to the next on the bench machine.
const path = require('node:path');

const fromBackend = id =>
  require(require.resolve(id, {
    paths: [path.resolve('packages/backend'), process.cwd()],
  }));
const { createServiceFactory } = fromBackend('@backstage/backend-plugin-api');
const { httpRouterServiceFactory: stockFactory } = fromBackend(
  '@backstage/backend-defaults/httpRouter',
);
const defaults = fromBackend('@backstage/backend-defaults');

const createBackend = defaults.createBackend;
defaults.createBackend = (...args) => {
  const backend = createBackend(...args);
  const add = backend.add.bind(backend);
  backend.add = feature => {
    if (
      feature?.featureType !== 'service' ||
      feature.service?.id !== 'core.httpRouter'
    ) {
      add(feature);
      return;
    }
    const ours = feature;
    add(
      createServiceFactory({
        service: ours.service,
        initialization: 'always',
        deps: { ...stockFactory.deps, ...ours.deps },
        async factory(deps) {
          // BENCH_AB_STOCK_ONLY=1: the stock chain at both paths (an A/A run: what the method itself reads as a
          // difference between the two paths).
          const a = await (process.env.BENCH_AB_STOCK_ONLY
            ? stockFactory
            : ours
          ).factory(deps);
          const b = await stockFactory.factory({
            ...deps,
            rootHttpRouter: {
              use: (p, handler) =>
                deps.rootHttpRouter.use(`/stock-chain${p}`, handler),
            },
          });
          return {
            use(handler) {
              a.use(handler);
              b.use(handler);
            },
            addAuthPolicy(policy) {
              a.addAuthPolicy(policy);
              b.addAuthPolicy(policy);
            },
          };
        },
      }),
    );
  };
  return backend;
};
