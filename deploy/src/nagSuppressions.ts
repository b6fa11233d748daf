import { CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { Cache } from './cache';
import { Database } from './database';
import { PortalService } from './service';
import { StageConfig } from './stageConfig';
import { TechDocsStorage } from './techdocs';

/**
 * Every AwsSolutions finding the portal accepts, each with why (cdk-nag 3: CDK's own Validations acknowledgments,
 * which apply to the construct and its children). Any other finding stops `cdk synth` and `cdk deploy`, and fails
 * src/nag.test.ts: a new finding is either fixed or argued for here.
 */
const acknowledge = (
  scope: IConstruct,
  acknowledgments: { id: string; reason: string }[],
) => Validations.of(scope).acknowledge(...acknowledgments);

export function suppressPortalFindings(
  stack: Stack,
  parts: {
    stage: StageConfig;
    database: Database;
    cache: Cache;
    portal: PortalService;
    techdocs: TechDocsStorage;
  },
) {
  const { stage, database, cache, portal, techdocs } = parts;
  acknowledge(database.cluster, [
    {
      id: 'AwsSolutions-RDS6',
      reason:
        'The backend signs in with the Secrets Manager password (Backstage has no IAM token refresh for its pools); IAM database authentication would stay unused.',
    },
    {
      id: 'AwsSolutions-RDS11',
      reason:
        'The default port is not a control: only the portal tasks security group may connect, and only over TLS (rds.force_ssl).',
    },
    ...(stage.deletionProtection
      ? []
      : [
          {
            id: 'AwsSolutions-RDS10',
            reason: `${stage.name} is rebuilt from scratch at will and holds no data of record; production has deletion protection.`,
          },
        ]),
  ]);
  const rotationReason =
    'Backstage reads the credential once at start and keeps its pools: rotating it under running tasks breaks their next connection. Rotate by hand, then force a new deployment (README, Operations).';
  acknowledge(database.cluster, [
    { id: 'AwsSolutions-SMG4', reason: rotationReason },
  ]);
  acknowledge(cache, [
    { id: 'AwsSolutions-SMG4', reason: rotationReason },
    {
      id: 'AwsSolutions-AEC5',
      reason:
        'The default port is not a control: only the portal tasks security group may connect, with TLS and the AUTH token.',
    },
  ]);
  acknowledge(portal.taskDefinition, [
    {
      id: 'AwsSolutions-ECS2',
      reason:
        'Only non-secret configuration is plain environment (public URLs, database host and port, organization, API URLs); every secret comes from Secrets Manager through `secrets` (asserted by src/portalStack.test.ts).',
    },
  ]);
  acknowledge(portal.loadBalancer, [
    {
      id: 'AwsSolutions-EC23',
      reason:
        'The portal is public: its load balancer takes HTTPS from anywhere, and HTTP from anywhere only to redirect it to HTTPS.',
    },
  ]);
  acknowledge(portal.taskDefinition.obtainExecutionRole(), [
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ecr:GetAuthorizationToken has no resource-level permissions (AWS: Amazon ECR identity-based policies); every other statement names its repository, log group or secret.',
    },
  ]);
  acknowledge(portal.accessLogs, [
    {
      id: 'AwsSolutions-S1',
      reason:
        'This bucket holds the load balancer access logs; logging the log bucket would need yet another bucket and adds no trail of value.',
    },
  ]);
  // The docs bucket's objects: each entity's site lives under its own prefix (<namespace>/<kind>/<name>/), and
  // which entities exist is only known at publish time.
  const docsObjects = `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(
    techdocs.bucket.node.defaultChild as CfnElement,
  )}.Arn>/*]`;
  acknowledge(portal.taskDefinition.taskRole, [
    {
      id: docsObjects,
      reason:
        "s3:GetObject on every object of the TechDocs bucket only: the portal serves any entity's docs, each under its own <namespace>/<kind>/<name>/ prefix; no write action (src/portalStack.test.ts).",
    },
  ]);
  acknowledge(techdocs.publisherRole, [
    {
      id: docsObjects,
      reason:
        "CI writes any entity's docs under its own prefix of the TechDocs bucket (put, delete stale pages, abort uploads), on no other bucket; only main branches of the stage organization may assume the role.",
    },
  ]);
}
