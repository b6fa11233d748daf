import { Fn, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { secretName } from './appSecrets';
import { StageConfig } from './stageConfig';

export const CACHE_PORT = 6379;

/**
 * The backend's shared cache (backend.cache, store redis): ElastiCache for Valkey, two nodes in two zones with
 * automatic failover, TLS in transit, encrypted at rest, AUTH token generated into Secrets Manager. The backend reads
 * one variable, REDIS_URL (rediss://:<token>@<primary endpoint>:6379), kept whole in its own secret because it
 * carries the token.
 */
export class Cache extends Construct {
  readonly securityGroup: ec2.SecurityGroup;
  readonly urlSecret: secretsmanager.Secret;

  constructor(
    scope: Construct,
    id: string,
    props: { stage: StageConfig; vpc: ec2.IVpc },
  ) {
    super(scope, id);
    const { stage, vpc } = props;
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description:
        'developer-portal cache: reachable from the portal tasks only',
      allowAllOutbound: false,
    });
    const subnets = new elasticache.CfnSubnetGroup(this, 'Subnets', {
      description: 'developer-portal cache (isolated subnets)',
      subnetIds: vpc.selectSubnets({
        subnetType: ec2.SubnetType.PRIVATE_ISOLATED,
      }).subnetIds,
    });
    // AUTH tokens: 16 to 128 printable characters without @, " or /; letters and digits only, so the URL needs no
    // escaping.
    const authToken = new secretsmanager.Secret(this, 'AuthToken', {
      secretName: secretName(stage.name, 'cache-auth-token'),
      description: 'AUTH token of the developer-portal cache',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const group = new elasticache.CfnReplicationGroup(
      this,
      'ReplicationGroup',
      {
        replicationGroupDescription: `developer-portal ${stage.name} cache`,
        engine: 'valkey',
        engineVersion: '8.0',
        cacheNodeType: stage.cache.nodeType,
        numCacheClusters: 2,
        automaticFailoverEnabled: true,
        multiAzEnabled: true,
        port: CACHE_PORT,
        cacheSubnetGroupName: subnets.ref,
        securityGroupIds: [this.securityGroup.securityGroupId],
        transitEncryptionEnabled: true,
        transitEncryptionMode: 'required',
        atRestEncryptionEnabled: true,
        authToken: authToken.secretValue.unsafeUnwrap(),
        snapshotRetentionLimit: 1,
      },
    );
    // CloudFormation resolves the {{resolve:secretsmanager:...}} reference inside the joined string at deploy time;
    // the template holds only the reference.
    this.urlSecret = new secretsmanager.Secret(this, 'Url', {
      secretName: secretName(stage.name, 'redis-url'),
      description:
        'REDIS_URL of the developer-portal backend (carries the AUTH token)',
      secretStringValue: SecretValue.unsafePlainText(
        Fn.join('', [
          'rediss://:',
          authToken.secretValue.unsafeUnwrap(),
          '@',
          group.attrPrimaryEndPointAddress,
          ':',
          group.attrPrimaryEndPointPort,
        ]),
      ),
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}
