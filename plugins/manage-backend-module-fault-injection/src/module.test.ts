import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { recordingManagePlugin } from '@internal/plugin-manage-node/testUtils';
import module from './index';

const providers = [
  {
    id: 'e2e-failing',
    kpis: ['security-issues-high'],
    behaviour: 'fail',
    error: 'the security source is down',
  },
  { id: 'e2e-quiet', kpis: ['incidents'], behaviour: 'empty' },
];

async function start() {
  const manage = recordingManagePlugin();
  await startTestBackend({
    features: [
      module,
      ...manage.features,
      mockServices.rootConfig.factory({
        data: { manage: { faultInjection: { providers } } },
      }),
    ],
  });
  return manage.added;
}

describe('manage fault-injection module', () => {
  afterEach(() => {
    process.env.NODE_ENV = 'test';
  });

  it('adds providers that fail every run or report nothing, with their declared KPIs', async () => {
    const [failing, quiet] = await start();
    expect(failing).toMatchObject({
      id: 'e2e-failing',
      kpis: ['security-issues-high'],
    });
    await expect(failing.collect()).rejects.toThrow(
      'the security source is down',
    );
    expect(quiet.kpis).toEqual(['incidents']);
    await expect(quiet.collect()).resolves.toEqual([]);
  });

  it('refuses to run in production', async () => {
    process.env.NODE_ENV = 'production';
    await expect(start()).rejects.toThrow(/must not run in production/);
  });
});
