import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { secretName } from './appSecrets';
import { StageConfig } from './stageConfig';

export const DATABASE_ENGINE = rds.DatabaseClusterEngine.auroraPostgres({
  version: rds.AuroraPostgresEngineVersion.VER_16_13,
});

/**
 * Aurora PostgreSQL Serverless v2. Backstage creates one database per plugin, so the master user (Secrets Manager,
 * generated) is the backend's user; TLS is enforced by the server (rds.force_ssl), storage is encrypted, and
 * production has deletion protection and a reader in the second zone for failover.
 */
export class Database extends Construct {
  readonly cluster: rds.DatabaseCluster;

  constructor(
    scope: Construct,
    id: string,
    props: { stage: StageConfig; vpc: ec2.IVpc },
  ) {
    super(scope, id);
    const { stage, vpc } = props;
    const parameterGroup = new rds.ParameterGroup(this, 'ClusterParameters', {
      engine: DATABASE_ENGINE,
      description: 'developer-portal: TLS required for every connection',
      parameters: { 'rds.force_ssl': '1' },
    });
    // The cluster's name is fixed so its log group can be made here, with a retention, before RDS creates it
    // (cloudwatchLogsRetention would add a Lambda just to set the retention afterwards).
    const clusterIdentifier = `developer-portal-${stage.name}`;
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/rds/cluster/${clusterIdentifier}/postgresql`,
      retention: stage.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      clusterIdentifier,
      engine: DATABASE_ENGINE,
      parameterGroup,
      credentials: rds.Credentials.fromGeneratedSecret('backstage', {
        secretName: secretName(stage.name, 'database'),
      }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      writer: rds.ClusterInstance.serverlessV2('writer'),
      readers: Array.from({ length: stage.database.readers }, (_, i) =>
        rds.ClusterInstance.serverlessV2(`reader${i + 1}`, {
          scaleWithWriter: true,
        }),
      ),
      serverlessV2MinCapacity: stage.database.minCapacity,
      serverlessV2MaxCapacity: stage.database.maxCapacity,
      storageEncrypted: true,
      deletionProtection: stage.deletionProtection,
      removalPolicy: stage.deletionProtection
        ? RemovalPolicy.RETAIN
        : RemovalPolicy.SNAPSHOT,
      backup: { retention: Duration.days(stage.database.backupRetentionDays) },
      cloudwatchLogsExports: ['postgresql'],
    });
    this.cluster.node.addDependency(logGroup);
  }
}
