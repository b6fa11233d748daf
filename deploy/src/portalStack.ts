import { CfnOutput, Stack, StackProps, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import { operatorSecrets } from './appSecrets';
import { BackendSettings } from './backendSettings';
import { Cache, CACHE_PORT } from './cache';
import { Database } from './database';
import { Network } from './network';
import { suppressPortalFindings } from './nagSuppressions';
import { PortalService } from './service';
import { TechDocsStorage } from './techdocs';
import { RegistryConfig, StageConfig } from './stageConfig';

/** Where the image keeps Amazon RDS's CA bundle (the Dockerfile's ADD). */
export const RDS_CA_FILE = '/etc/ssl/certs/rds-global-bundle.pem';

export interface PortalStackProps extends StackProps {
  stage: StageConfig;
  registry: RegistryConfig;
  imageTag: string;
  backend: BackendSettings;
}

/** One stage of the portal: network, database, cache and the ECS service with its load balancer. */
export class PortalStack extends Stack {
  readonly portal: PortalService;

  /** Two zones named after the region: the default would look them up in the account (an AWS call at synth). */
  override get availabilityZones(): string[] {
    return [`${this.region}a`, `${this.region}b`];
  }

  constructor(scope: Construct, id: string, props: PortalStackProps) {
    super(scope, id, props);
    const { stage, registry } = props;
    const { vpc } = new Network(this, 'Network', stage);
    const database = new Database(this, 'Database', { stage, vpc });
    const cache = new Cache(this, 'Cache', { stage, vpc });
    const repository = ecr.Repository.fromRepositoryArn(
      this,
      'Repository',
      `arn:aws:ecr:${registry.region}:${registry.account}:repository/${registry.repositoryName}`,
    );
    const url = `https://${stage.domainName}`;
    const dbSecret = database.cluster.secret!;

    this.portal = new PortalService(this, 'Portal', {
      stage,
      vpc,
      repository,
      imageTag: props.imageTag,
      backend: props.backend,
      // Configuration that is not secret. Secrets never go here (see the test "injects every secret").
      environment: {
        NODE_ENV: 'production',
        NODE_OPTIONS: `--max-old-space-size=${Math.floor(
          stage.memoryMiB * 0.7,
        )}`,
        APP_BASE_URL: url,
        BACKEND_BASE_URL: url,
        POSTGRES_HOST: database.cluster.clusterEndpoint.hostname,
        POSTGRES_PORT: Token.asString(database.cluster.clusterEndpoint.port),
        // TLS to Aurora (the cluster refuses anything else: rds.force_ssl), verified against the RDS CA bundle the image
        // ships (Dockerfile) and nothing else: app-config.postgres-tls.yaml reads the CA from this file.
        POSTGRES_CA_FILE: RDS_CA_FILE,
        // Names the metrics' target (Prometheus on :9464, packages/backend/instrumentation.js).
        OTEL_SERVICE_NAME: `developer-portal-${stage.name}`,
        GITHUB_ORG: stage.githubOrg,
        METRICS_API_URL: stage.metricsApiUrl,
        K8S_CLUSTER_URL: stage.k8sClusterUrl,
      },
      secrets: {
        POSTGRES_USER: ecs.Secret.fromSecretsManager(dbSecret, 'username'),
        POSTGRES_PASSWORD: ecs.Secret.fromSecretsManager(dbSecret, 'password'),
        REDIS_URL: ecs.Secret.fromSecretsManager(cache.urlSecret),
        ...operatorSecrets(this, stage.name),
      },
    });
    // TechDocs: the portal reads the stage's docs bucket (app-config.production.yaml), CI writes it.
    const techdocs = new TechDocsStorage(this, 'TechDocs', {
      stage,
      accessLogs: this.portal.accessLogs,
      reader: this.portal.taskDefinition.taskRole,
    });
    const container = this.portal.taskDefinition.defaultContainer!;
    container.addEnvironment('TECHDOCS_S3_BUCKET', techdocs.bucket.bucketName);
    container.addEnvironment('TECHDOCS_S3_REGION', this.region);
    const tasks = this.portal.service.connections;
    database.cluster.connections.allowDefaultPortFrom(
      tasks,
      'portal tasks to Aurora',
    );
    cache.securityGroup.connections.allowFrom(
      tasks,
      ec2.Port.tcp(CACHE_PORT),
      'portal tasks to the cache',
    );

    new CfnOutput(this, 'Url', { value: url });
    new CfnOutput(this, 'ClusterName', {
      value: this.portal.service.cluster.clusterName,
    });
    new CfnOutput(this, 'ServiceName', {
      value: this.portal.service.serviceName,
    });
    // What a repository's docs workflow needs (README, TechDocs in production).
    new CfnOutput(this, 'TechDocsBucket', {
      value: techdocs.bucket.bucketName,
    });
    new CfnOutput(this, 'TechDocsPublisherRoleArn', {
      value: techdocs.publisherRole.roleArn,
    });
    suppressPortalFindings(this, {
      stage,
      database,
      cache,
      portal: this.portal,
      techdocs,
    });
  }
}
