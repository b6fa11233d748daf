import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { requiredEnvironmentCheck } from './feature';

describe('requiredEnvironmentCheck', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  // A plugin that records whether it got to initialize: the check must stop the start before any plugin does.
  const started = jest.fn();
  const probe = createBackendPlugin({
    pluginId: 'probe',
    register(reg) {
      reg.registerInit({
        deps: { logger: coreServices.logger },
        async init() {
          started();
        },
      });
    },
  });
  const start = (requiredEnvironment?: string[]) =>
    startTestBackend({
      features: [
        requiredEnvironmentCheck,
        probe,
        mockServices.rootConfig.factory({
          data: requiredEnvironment ? { backend: { requiredEnvironment } } : {},
        }),
      ],
    });

  beforeEach(() => started.mockClear());

  it('refuses to start, naming the missing variables, before any plugin initializes', async () => {
    process.env.PORTAL_TEST_SET = 'set';
    delete process.env.PORTAL_TEST_MISSING;
    process.env.PORTAL_TEST_EMPTY = '';
    await expect(
      start(['PORTAL_TEST_SET', 'PORTAL_TEST_MISSING', 'PORTAL_TEST_EMPTY']),
    ).rejects.toThrow(
      'Missing required environment variables: PORTAL_TEST_MISSING, PORTAL_TEST_EMPTY.',
    );
    expect(started).not.toHaveBeenCalled();
  });

  it('starts when every variable is set', async () => {
    process.env.PORTAL_TEST_SET = 'set';
    const backend = await start(['PORTAL_TEST_SET']);
    expect(started).toHaveBeenCalledTimes(1);
    await backend.stop();
  });

  it('checks nothing without backend.requiredEnvironment (development)', async () => {
    const backend = await start();
    expect(started).toHaveBeenCalledTimes(1);
    await backend.stop();
  });
});
