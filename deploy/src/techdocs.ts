import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { StageConfig } from './stageConfig';

/** GitHub Actions' OpenID Connect issuer: the provider an operator creates once per account (README, Operations). */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/** What `techdocs-cli publish` needs: list the entity's prefix, upload (multipart too), delete stale files. */
export const TECHDOCS_PUBLISH_ACTIONS = [
  's3:ListBucket',
  's3:PutObject',
  's3:DeleteObject',
  's3:AbortMultipartUpload',
];

export interface TechDocsStorageProps {
  stage: StageConfig;
  /** Where S3 server access logs go (the stage's log bucket). */
  accessLogs: s3.IBucket;
  /** The portal's task role: gets read-only access. */
  reader: iam.IRole;
}

/**
 * TechDocs in production (README, "TechDocs in production"): the stage's docs bucket, which the portal reads
 * (`techdocs.publisher.type: awsS3`, builder external) and which only CI writes, through a role GitHub Actions
 * assumes by OIDC from the main branch of a repository of the stage's GitHub organization.
 */
export class TechDocsStorage extends Construct {
  readonly bucket: s3.Bucket;
  readonly publisherRole: iam.Role;

  constructor(scope: Construct, id: string, props: TechDocsStorageProps) {
    super(scope, id);
    const { stage } = props;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      // A publish overwrites an entity's pages and deletes the ones it no longer has: versions undo a bad publish
      // (or a wrong --entity) for 30 days, and keep the bucket from growing without end.
      versioned: true,
      lifecycleRules: [
        {
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 's3/techdocs/',
      // Docs can be published again from their repositories, but a stack update must never empty the portal.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Read-only for the portal: pages (GetObject) and the bucket itself (ListBucket: the publisher's HeadBucket at
    // start, and a missing page answers 404 rather than 403). No write (asserted by src/portalStack.test.ts).
    props.reader.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
      }),
    );
    props.reader.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );

    const account = Stack.of(this).account;
    const github = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(
      this,
      'GitHubOidc',
      `arn:aws:iam::${account}:oidc-provider/${GITHUB_OIDC_HOST}`,
    );
    this.publisherRole = new iam.Role(this, 'PublisherRole', {
      // A fixed name, so a repository's workflow can name it: arn:aws:iam::<account>:role/<this name>.
      roleName: `developer-portal-${stage.name}-techdocs-publisher`,
      description: `CI publishes TechDocs sites to the ${stage.name} docs bucket (.github/workflows/techdocs.yml)`,
      maxSessionDuration: Duration.hours(1),
      assumedBy: new iam.OpenIdConnectPrincipal(github, {
        StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com' },
        // Any repository of the organization, from its main branch only: docs are published as merged.
        StringLike: {
          [`${GITHUB_OIDC_HOST}:sub`]: `repo:${stage.githubOrg}/*:ref:refs/heads/main`,
        },
      }),
    });
    this.publisherRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
      }),
    );
    this.publisherRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: TECHDOCS_PUBLISH_ACTIONS.filter(a => a !== 's3:ListBucket'),
        resources: [this.bucket.arnForObjects('*')],
      }),
    );
  }
}
