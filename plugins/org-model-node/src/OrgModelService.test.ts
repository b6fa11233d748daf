import {
  mockServices,
  ServiceFactoryTester,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  createBackendPlugin,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { orgModelServiceFactory, orgModelServiceRef } from './OrgModelService';

const group = (name: string, parent?: string, type?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type, profile: { displayName: name.toUpperCase() }, children: [] },
  relations: parent
    ? [{ type: 'childOf', targetRef: `group:default/${parent}` }]
    : [],
});

const fourLevels = [
  group('dept', undefined, 'department'),
  group('tribe', 'dept', 'tribe'),
  group('squad', 'tribe', 'squad'),
  group('sub-squad', 'squad', 'squad'),
];

function tester(catalog: ReturnType<typeof catalogServiceMock.mock>) {
  const tasks: Array<
    SchedulerServiceTaskScheduleDefinition & { id: string; fn: Function }
  > = [];
  const subject = ServiceFactoryTester.from(orgModelServiceFactory, {
    dependencies: [
      catalog.factory,
      mockServices.scheduler.mock({
        scheduleTask: async task => {
          tasks.push(task as (typeof tasks)[number]);
        },
      }).factory,
    ],
  });
  return { subject, tasks };
}

describe('orgModelServiceFactory', () => {
  it('reads the groups on first use, as the plugin, and walks them at any depth', async () => {
    const catalog = catalogServiceMock.mock({
      getEntities: jest.fn(async () => ({ items: fourLevels })),
    });
    const { subject } = tester(catalog);
    const org = await (await subject.getSubject('manage')).current();
    expect(org.treeOf('dept')).toEqual([
      'group:default/dept',
      'group:default/tribe',
      'group:default/squad',
      'group:default/sub-squad',
    ]);
    expect(org.get('sub-squad')?.title).toBe('SUB-SQUAD');
    expect(catalog.getEntities).toHaveBeenCalledTimes(1);
    const [request, options] = (catalog.getEntities as jest.Mock).mock.calls[0];
    expect(request.filter).toEqual({ kind: 'Group' });
    expect(options.credentials.principal).toMatchObject({
      type: 'service',
      subject: 'plugin:manage',
    });
  });

  it('refreshes on a local scheduled task and keeps the last good org when a read fails', async () => {
    const getEntities = jest
      .fn()
      .mockResolvedValueOnce({ items: fourLevels.slice(0, 2) })
      .mockResolvedValueOnce({ items: fourLevels })
      .mockRejectedValueOnce(new Error('catalog down'));
    const { subject, tasks } = tester(catalogServiceMock.mock({ getEntities }));
    const service = await subject.getSubject();
    expect(tasks).toMatchObject([
      { id: 'org-model-refresh', scope: 'local', frequency: { minutes: 5 } },
    ]);
    expect((await service.current()).treeOf('dept')).toHaveLength(2);
    await tasks[0].fn(new AbortController().signal);
    expect((await service.current()).treeOf('dept')).toHaveLength(4);
    await expect(tasks[0].fn(new AbortController().signal)).rejects.toThrow(
      'catalog down',
    );
    expect((await service.current()).treeOf('dept')).toHaveLength(4);
  });

  it('takes its schedule from orgModel.refresh', async () => {
    const tasks: Array<{ frequency?: unknown }> = [];
    await ServiceFactoryTester.from(orgModelServiceFactory, {
      dependencies: [
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: {
            orgModel: {
              refresh: { frequency: { minutes: 1 }, timeout: { seconds: 30 } },
            },
          },
        }),
        mockServices.scheduler.mock({
          scheduleTask: async task => {
            tasks.push(task);
          },
        }).factory,
      ],
    }).getSubject();
    expect(tasks).toMatchObject([{ frequency: { minutes: 1 } }]);
  });

  it('is the default factory: a plugin gets it without wiring', async () => {
    let titles: string[] = [];
    await startTestBackend({
      features: [
        catalogServiceMock.factory({ entities: fourLevels }),
        createBackendPlugin({
          pluginId: 'reader',
          register(env) {
            env.registerInit({
              deps: { org: orgModelServiceRef },
              async init({ org }) {
                titles = (await org.current())
                  .childrenOf('tribe')
                  .map(g => g.title);
              },
            });
          },
        }),
      ],
    });
    expect(titles).toEqual(['SQUAD']);
  });
});
