import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { coreServices } from '@backstage/backend-plugin-api';
import { createKpiProviderModule } from './createKpiProviderModule';
import { recordingManagePlugin } from './testUtils';

const schedule = { frequency: { hours: 2 }, timeout: { minutes: 5 } };

describe('createKpiProviderModule', () => {
  const createProvider = jest.fn(({ config, schedule: s, deps }) => ({
    id: `${config.getString('name')}-${deps.plugin.getId()}`,
    schedule: s,
    collect: async () => [],
  }));
  const module = createKpiProviderModule({
    moduleId: 'test',
    configKey: 'manage.providers.test',
    unconfiguredMessage: 'nothing is read',
    deps: { plugin: coreServices.pluginMetadata },
    createProvider,
  });

  beforeEach(() => createProvider.mockClear());

  it('adds the provider built from its config, schedule and deps', async () => {
    const { added, features } = recordingManagePlugin({
      providers: { test: { name: 'n', schedule } },
    });
    await startTestBackend({ features: [...features, module] });
    expect(added.map(p => [p.id, p.schedule.frequency])).toEqual([
      ['n-manage', { hours: 2 }],
    ]);
  });

  it('adds nothing and builds nothing without its config, saying why once', async () => {
    const { added, features } = recordingManagePlugin();
    const logger = mockServices.logger.mock();
    await startTestBackend({ features: [...features, module, logger.factory] });
    expect(added).toEqual([]);
    expect(createProvider).not.toHaveBeenCalled();
    expect(logger.info).toHaveBeenCalledWith(
      'manage.providers.test is not configured: nothing is read',
    );
  });

  it('refuses to start when the schedule is missing', async () => {
    const { features } = recordingManagePlugin({
      providers: { test: { name: 'n' } },
    });
    await expect(
      startTestBackend({ features: [...features, module] }),
    ).rejects.toThrow(/schedule/);
  });
});
