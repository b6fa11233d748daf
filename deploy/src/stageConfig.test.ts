import { durationSeconds, stopTimeoutSeconds } from './backendSettings';
import { parseImageTag, parsePortalContext } from './stageConfig';
import { cdkContext } from './testing';

const valid = () =>
  JSON.parse(JSON.stringify(cdkContext()['developer-portal']));

describe('stage context', () => {
  it('reads deploy/cdk.json', () => {
    const { registry, stages } = parsePortalContext(valid());
    expect(registry.repositoryName).toBe('developer-portal');
    expect(stages.production).toMatchObject({
      name: 'production',
      deletionProtection: true,
    });
    expect(stages.staging.deletionProtection).toBe(false);
  });

  it.each([
    [
      'stages.production.account',
      (c: any) => (c.stages.production.account = '1234'),
      /stages\.production\.account: expected a string matching/,
    ],
    [
      'a missing stage',
      (c: any) => delete c.stages.staging,
      /stages\.staging: expected an object/,
    ],
    [
      'one task',
      (c: any) => (c.stages.production.minTasks = 1),
      /stages\.production\.minTasks: expected a number from 2/,
    ],
    [
      'a domain outside the zone',
      (c: any) => (c.stages.staging.domainName = 'portal.other.org'),
      /domainName: expected a name in the hosted zone example\.org/,
    ],
    [
      'a retention CloudWatch refuses',
      (c: any) => (c.stages.staging.logRetentionDays = 31),
      /logRetentionDays: expected one of 1, 3, 5/,
    ],
  ])('names the bad key: %s', (_, mutate, message) => {
    const context = valid();
    mutate(context);
    expect(() => parsePortalContext(context)).toThrow(message);
  });

  it('requires a git sha as image tag', () => {
    expect(parseImageTag('0123abc')).toBe('0123abc');
    expect(() => parseImageTag(undefined)).toThrow(
      /deploy with -c imageTag=\$\(git rev-parse HEAD\)/,
    );
    expect(() => parseImageTag('latest')).toThrow(/git commit sha/);
  });
});

describe('backend shutdown timings', () => {
  it('reads app-config durations', () => {
    expect(durationSeconds('15s', 'k')).toBe(15);
    expect(durationSeconds('500ms', 'k')).toBe(0.5);
    expect(durationSeconds({ minutes: 1, seconds: 5 }, 'k')).toBe(65);
    expect(() => durationSeconds('soon', 'backend.x')).toThrow(
      /backend\.x: cannot read "soon" as a duration/,
    );
  });

  it('refuses a drain the exit deadline does not cover, and a stop timeout Fargate does not allow', () => {
    const base = { requiredEnvironment: [], imageCommand: [] };
    expect(
      stopTimeoutSeconds({
        ...base,
        shutdownDelaySeconds: 5,
        drainSeconds: 15,
        exitSeconds: 27,
      }),
    ).toBe(30);
    expect(() =>
      stopTimeoutSeconds({
        ...base,
        shutdownDelaySeconds: 5,
        drainSeconds: 25,
        exitSeconds: 27,
      }),
    ).toThrow(/must cover serverShutdownDelay \+ drainTimeout \(30 s\)/);
    expect(() =>
      stopTimeoutSeconds({
        ...base,
        shutdownDelaySeconds: 5,
        drainSeconds: 15,
        exitSeconds: 150,
      }),
    ).toThrow(/exceeds Fargate's limit of 120 s/);
  });
});
