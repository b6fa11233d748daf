import { startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { recordingManagePlugin } from '@internal/plugin-manage-node/testUtils';
import { manageModulePagerDuty } from './module';

// The providers the module adds to a stand-in manage plugin, given `manage.providers.pagerduty`.
async function providersAdded(pagerduty?: object) {
  const manage = recordingManagePlugin({
    providers: pagerduty && { pagerduty },
  });
  await startTestBackend({
    features: [
      ...manage.features,
      manageModulePagerDuty,
      catalogServiceMock.factory(),
    ],
  });
  return manage.added.map(p => [p.id, p.schedule.frequency]);
}

const schedule = { frequency: { hours: 1 }, timeout: { minutes: 5 } };

describe('manageModulePagerDuty', () => {
  it('adds the provider with its schedule when configured', async () => {
    await expect(providersAdded({ token: 't', schedule })).resolves.toEqual([
      ['pagerduty', { hours: 1 }],
    ]);
  });

  it('adds nothing without its config', async () => {
    await expect(providersAdded()).resolves.toEqual([]);
  });

  it('refuses a window PagerDuty would refuse', async () => {
    await expect(
      providersAdded({ token: 't', months: 12, schedule }),
    ).rejects.toThrow(/months must be a whole number from 1 to 6, got 12/);
  });
});
