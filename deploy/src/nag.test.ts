import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { synthPortalApp } from './testing';

/** Every acknowledgment recorded in the app (construct metadata { [id]: reason }), with its construct path. */
function acknowledgments(root: IConstruct) {
  return root.node.findAll().flatMap(c =>
    c.node.metadata
      .filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap(m => Object.entries(m.data as Record<string, string>))
      .map(([id, reason]) => ({ path: c.node.path, id, reason })),
  );
}

describe('cdk-nag AwsSolutions pack', () => {
  it('finds nothing unacknowledged in the registry, staging and production stacks', () => {
    const { app } = synthPortalApp();
    const assembly = app.synth();
    expect(assembly.stacks.map(s => s.stackName).sort()).toEqual([
      'DeveloperPortal-Registry',
      'DeveloperPortal-production',
      'DeveloperPortal-staging',
    ]);
  });

  it('gives every acknowledgment a reason', () => {
    const { app } = synthPortalApp();
    const acks = acknowledgments(app);
    const ours = acks.filter(a => /AwsSolutions-|W3010/.test(a.id));
    expect(ours.length).toBeGreaterThan(10);
    for (const ack of acks) expect(ack.reason.length).toBeGreaterThan(40);
    // Staging alone may be deleted: production's deletion protection is not waived.
    expect(
      ours.filter(a => a.id.endsWith('AwsSolutions-RDS10')).map(a => a.path),
    ).toEqual(['DeveloperPortal-staging/Database/Cluster']);
  });

  it('stops synthesis on a finding nobody acknowledged (the gate works)', () => {
    const app = new App();
    const stack = new Stack(app, 'Probe');
    new s3.Bucket(stack, 'PlainBucket');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    // The bucket has no SSL-only policy: the report names the rule and the resource.
    expect(() => app.synth()).toThrow(
      /Probe\/PlainBucket[\s\S]*AwsSolutions-S10/,
    );
  });
});
