import {
  CostExplorerClient,
  GetCostAndUsageCommand,
} from '@aws-sdk/client-cost-explorer';
import { mockServices } from '@backstage/backend-test-utils';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsCostKpiProvider, timePeriod } from './AwsCostKpiProvider';

const ce = mockClient(CostExplorerClient);
const schedule = { frequency: { hours: 6 }, timeout: { minutes: 5 } };
const now = () => new Date('2026-03-15T10:00:00Z');

function provider() {
  return new AwsCostKpiProvider(
    new CostExplorerClient({ region: 'us-east-1' }),
    {
      tagKey: 'backstage-entity',
      metric: 'UnblendedCost',
      months: 2,
      schedule,
    },
    mockServices.logger.mock(),
    now,
  );
}

// GetCostAndUsage's documented shape: ResultsByTime[].Groups[] with Keys ["<tagKey>$<value>"] and amounts as strings.
const group = (value: string, amount: string) => ({
  Keys: [`backstage-entity$${value}`],
  Metrics: { UnblendedCost: { Amount: amount, Unit: 'USD' } },
});

describe('AwsCostKpiProvider', () => {
  beforeEach(() => ce.reset());

  it('sums monthly cost per tagged entity over every page and leaves untagged cost out', async () => {
    ce.on(GetCostAndUsageCommand, { NextPageToken: undefined })
      .resolves({
        GroupDefinitions: [{ Type: 'TAG', Key: 'backstage-entity' }],
        ResultsByTime: [
          {
            TimePeriod: { Start: '2026-02-01', End: '2026-03-01' },
            Groups: [
              group('component:default/payments', '1234.5678'),
              group('', '999.99'), // untagged
            ],
            Estimated: false,
          },
        ],
        NextPageToken: 'page-2',
      })
      .on(GetCostAndUsageCommand, { NextPageToken: 'page-2' })
      .resolves({
        ResultsByTime: [
          {
            TimePeriod: { Start: '2026-02-01', End: '2026-03-01' },
            // the short form of the same entity adds up with the full ref
            Groups: [group('payments', '0.4322')],
          },
          {
            TimePeriod: { Start: '2026-03-01', End: '2026-03-15' },
            Groups: [
              group('resource:default/orders-db', '12.3'),
              group('not a ref:/:', '5'),
            ],
            Estimated: true,
          },
        ],
      });

    const samples = await provider().collect();

    expect(samples).toEqual([
      {
        entityRef: 'component:default/payments',
        kpi: 'cloud-cost',
        period: '2026-02',
        value: 1235,
      },
      {
        entityRef: 'resource:default/orders-db',
        kpi: 'cloud-cost',
        period: '2026-03',
        value: 12.3,
      },
    ]);
    const calls = ce.commandCalls(GetCostAndUsageCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0].args[0].input).toEqual({
      TimePeriod: { Start: '2026-02-01', End: '2026-03-15' },
      Granularity: 'MONTHLY',
      Metrics: ['UnblendedCost'],
      GroupBy: [{ Type: 'TAG', Key: 'backstage-entity' }],
      NextPageToken: undefined,
    });
    expect(calls[1].args[0].input.NextPageToken).toBe('page-2');
  });

  it('fails when Cost Explorer refuses, so the stored numbers stay as they were', async () => {
    ce.on(GetCostAndUsageCommand).rejects(
      Object.assign(
        new Error('User is not authorized to perform: ce:GetCostAndUsage'),
        {
          name: 'AccessDeniedException',
        },
      ),
    );
    await expect(provider().collect()).rejects.toThrow(/ce:GetCostAndUsage/);
  });

  it('asks for whole months up to today', () => {
    expect(timePeriod(new Date('2026-01-20T00:00:00Z'), 3)).toEqual({
      start: '2025-11-01',
      end: '2026-01-20',
    });
  });
});
