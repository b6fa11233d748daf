import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import request from 'supertest';
import {
  DEV_ONLY_FEATURES,
  DevOnlyFeature,
  devOnlyFeatureLoader,
} from './devOnlyFeatures';

const config = (data: object) => mockServices.rootConfig.factory({ data });

/** What Node's require throws for a package that is not installed (the production image). */
const notInstalled = (name: string) =>
  Object.assign(
    new Error(`Cannot find module '${name}'\nRequire stack:\n- /app/x.js`),
    { code: 'MODULE_NOT_FOUND' },
  );

describe('devOnlyFeatureLoader', () => {
  const probe: DevOnlyFeature = {
    packageName: '@internal/plugin-dev-probe',
    configKey: 'dev.probe',
    wanted: c => c.has('dev.probe'),
    load: jest.fn(async () => ({
      default: createBackendPlugin({
        pluginId: 'dev-probe',
        register: env => env.registerInit({ deps: {}, async init() {} }),
      }),
    })),
  };

  it('loads nothing the config does not ask for', async () => {
    await startTestBackend({
      features: [devOnlyFeatureLoader([probe]), config({})],
    });
    expect(probe.load).not.toHaveBeenCalled();
  });

  it('stops the start, naming the key and the package, when the config asks for one that is not installed', async () => {
    const missing: DevOnlyFeature = {
      ...probe,
      load: async () => {
        throw notInstalled(probe.packageName);
      },
    };
    await expect(
      startTestBackend({
        features: [
          devOnlyFeatureLoader([missing]),
          config({ dev: { probe: 1 } }),
        ],
      }),
    ).rejects.toThrow(
      'dev.probe is set, but @internal/plugin-dev-probe is not installed: it is a development and test package, ' +
        'never part of the production image. Remove dev.probe from the config.',
    );
  });

  it('passes on a missing dependency of an installed feature unchanged', async () => {
    const broken: DevOnlyFeature = {
      ...probe,
      load: async () => {
        throw notInstalled('left-pad');
      },
    };
    await expect(
      startTestBackend({
        features: [
          devOnlyFeatureLoader([broken]),
          config({ dev: { probe: 1 } }),
        ],
      }),
    ).rejects.toThrow("Cannot find module 'left-pad'");
  });

  it('loads the fault-injection plugin only when backend.circuitBreaker.faultInjection is true', async () => {
    // The real list, each package loaded by its name (Jest runs CommonJS without dynamic import()).
    const real = DEV_ONLY_FEATURES.map(f => ({
      ...f,
      load: async () => require(f.packageName),
    }));
    const off = await startTestBackend({
      features: [devOnlyFeatureLoader(real), config({})],
    });
    expect(
      (await request(off.server).get('/api/fault-injection/fail')).status,
    ).toBe(404);
    await off.stop();

    const on = await startTestBackend({
      features: [
        devOnlyFeatureLoader(real),
        config({ backend: { circuitBreaker: { faultInjection: true } } }),
      ],
    });
    expect(
      (await request(on.server).get('/api/fault-injection/fail')).status,
    ).toBe(500);
    await on.stop();
  });
});
