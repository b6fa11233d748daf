import { startTestBackend } from '@backstage/backend-test-utils';
import { recordingManagePlugin } from '@internal/plugin-manage-node/testUtils';
import { manageModuleAwsCost } from './module';

// The providers the module adds to a stand-in manage plugin, given `manage.providers.awsCost`.
async function providersAdded(awsCost?: object) {
  const manage = recordingManagePlugin({ providers: awsCost && { awsCost } });
  await startTestBackend({
    features: [...manage.features, manageModuleAwsCost],
  });
  return manage.added.map(p => [p.id, p.schedule.frequency]);
}

describe('manageModuleAwsCost', () => {
  it('adds the provider with its schedule when configured', async () => {
    const schedule = { frequency: { hours: 6 }, timeout: { minutes: 5 } };
    await expect(
      providersAdded({ tagKey: 'backstage-entity', schedule }),
    ).resolves.toEqual([['aws-cost', { hours: 6 }]]);
  });

  it('adds nothing without its config', async () => {
    await expect(providersAdded()).resolves.toEqual([]);
  });

  // Start-up cost: a backend that does not configure the provider never loads the AWS SDK.
  it.each([
    ['not configured', undefined, false],
    [
      'configured',
      { tagKey: 'backstage-entity', schedule: { hours: 6 } },
      true,
    ],
  ])(
    'loads the AWS SDK only when configured (%s)',
    async (_, awsCost, loads) => {
      const sdkLoaded = jest.fn();
      jest.resetModules();
      jest.doMock('@aws-sdk/client-cost-explorer', () => {
        sdkLoaded();
        return jest.requireActual('@aws-sdk/client-cost-explorer');
      });
      const { manageModuleAwsCost: fresh } = require('./module');
      const manage = recordingManagePlugin({
        providers: awsCost && {
          awsCost: {
            ...awsCost,
            schedule: { frequency: awsCost.schedule, timeout: { minutes: 5 } },
          },
        },
      });
      await startTestBackend({ features: [...manage.features, fresh] });
      expect(sdkLoaded).toHaveBeenCalledTimes(loads ? 1 : 0);
      jest.dontMock('@aws-sdk/client-cost-explorer');
    },
  );
});
