import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { SampleFileKpiProvider } from './SampleFileKpiProvider';

const dir = createMockDirectory();
const sample = { entityRef: 'component:default/svc-1', kpi: 'incidents' };

function providerFor(samples: unknown[]) {
  dir.setContent({ 'kpis.json': JSON.stringify({ samples }) });
  return new SampleFileKpiProvider(
    'file:test',
    dir.resolve('kpis.json'),
    { frequency: { hours: 1 }, timeout: { minutes: 1 } },
    mockServices.urlReader.mock(),
  );
}

afterEach(() => jest.useRealTimers());

describe('SampleFileKpiProvider', () => {
  it.each([
    // [clock, monthsAgo, period]: months count back across year ends, in UTC.
    ['2027-01-31T23:59:59Z', 0, '2027-01'],
    ['2027-01-01T00:00:00Z', 1, '2026-12'],
    ['2025-11-15T12:00:00Z', 11, '2024-12'],
    ['2028-03-01T00:00:00Z', 26, '2026-01'],
  ])('on %s resolves monthsAgo %i to %s', async (clock, monthsAgo, period) => {
    // Only Date is faked: reading the file needs the real event loop.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    jest.setSystemTime(new Date(clock));
    await expect(
      providerFor([{ ...sample, monthsAgo, value: 3 }]).collect(),
    ).resolves.toEqual([{ ...sample, period, value: 3 }]);
  });

  it('passes absolute periods through for the batch validation', async () => {
    const absolute = { ...sample, period: '2020-01', value: 1 };
    await expect(providerFor([absolute]).collect()).resolves.toEqual([
      absolute,
    ]);
  });

  it.each([
    [{ ...sample, monthsAgo: 1, period: '2020-01', value: 1 }, 'has both'],
    [{ ...sample, monthsAgo: -1, value: 1 }, 'samples.0.monthsAgo'],
    [{ ...sample, monthsAgo: 1.5, value: 1 }, 'samples.0.monthsAgo'],
    [{ ...sample, monthsAgo: '1', value: 1 }, 'samples.0.monthsAgo'],
  ])('refuses %j', async (bad, message) => {
    const collected = providerFor([bad]).collect();
    await expect(collected).rejects.toThrow(InputError);
    await expect(collected).rejects.toThrow(message);
  });
});
