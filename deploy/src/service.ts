import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BackendSettings, stopTimeoutSeconds } from './backendSettings';
import { StageConfig } from './stageConfig';

export const CONTAINER_NAME = 'backstage';
export const CONTAINER_PORT = 7007;
export const READINESS_PATH = '/.backstage/health/v1/readiness';
export const LIVENESS_PATH = '/.backstage/health/v1/liveness';

/**
 * How long ECS ignores the load balancer's health checks after a task starts. `yarn bench:ops` (production config,
 * a fresh PostgreSQL database, so every plugin's migrations run) measured cold start to readiness at 7.4 s median,
 * 9.2 s slowest on PostgreSQL and 14.4 s slowest overall, on 2 cores shared with other jobs. A 1-vCPU Fargate task
 * starts about as fast as one of those cores (start-up is one Node thread), so 60 s leaves four times the slowest
 * run for Aurora's first connections and a cold Serverless v2 scale-up.
 */
export const HEALTH_CHECK_GRACE_SECONDS = 60;

/** The load balancer stops routing to a task at once and lets its open requests finish for this long. */
export const DEREGISTRATION_DELAY_SECONDS = 20;

export interface PortalServiceProps {
  stage: StageConfig;
  vpc: ec2.IVpc;
  repository: ecr.IRepository;
  imageTag: string;
  backend: BackendSettings;
  environment: Record<string, string>;
  secrets: Record<string, ecs.Secret>;
}

/**
 * The portal on ECS Fargate behind an internet-facing ALB: HTTPS on 443 with an ACM certificate validated in the
 * stage's hosted zone, HTTP on 80 redirecting to it, an alias record for the domain; at least two tasks in private
 * subnets, autoscaling on CPU and requests, and deployments that roll back by themselves when new tasks do not
 * become healthy (circuit breaker).
 */
export class PortalService extends Construct {
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly logGroup: logs.LogGroup;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: PortalServiceProps) {
    super(scope, id);
    const { stage, vpc, backend } = props;

    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/ecs/developer-portal-${stage.name}`,
      retention: stage.logRetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // The backend's only AWS call is reading the TechDocs bucket: its task role gets that alone (src/techdocs.ts).
    // Reading the image, the secrets and writing the logs is the execution role's job, granted resource by resource
    // below (ECR repository, log group, each secret) by CDK.
    const taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'developer-portal task: reads the TechDocs bucket only',
    });
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      family: `developer-portal-${stage.name}`,
      cpu: stage.cpu,
      memoryLimitMiB: stage.memoryMiB,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
      taskRole,
    });
    this.taskDefinition.addContainer(CONTAINER_NAME, {
      image: ecs.ContainerImage.fromEcrRepository(
        props.repository,
        props.imageTag,
      ),
      // Production runs the image's CMD; staging layers its own config last.
      command:
        stage.name === 'staging'
          ? [...backend.imageCommand, '--config', 'app-config.staging.yaml']
          : undefined,
      portMappings: [{ containerPort: CONTAINER_PORT, name: 'http' }],
      environment: props.environment,
      secrets: props.secrets,
      stopTimeout: Duration.seconds(stopTimeoutSeconds(backend)),
      // Reaps the git subprocesses the scaffolder starts (Node is PID 1 otherwise).
      linuxParameters: new ecs.LinuxParameters(this, 'Linux', {
        initProcessEnabled: true,
      }),
      // Liveness, as the Dockerfile's HEALTHCHECK: ECS replaces a container whose process stopped answering.
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${CONTAINER_PORT}${LIVENESS_PATH}').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
        ],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(HEALTH_CHECK_GRACE_SECONDS),
      },
      logging: ecs.LogDrivers.awsLogs({
        logGroup: this.logGroup,
        streamPrefix: 'backstage',
      }),
    });

    this.service = new ecs.FargateService(this, 'Service', {
      cluster,
      serviceName: `developer-portal-${stage.name}`,
      taskDefinition: this.taskDefinition,
      desiredCount: stage.minTasks,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: Duration.seconds(HEALTH_CHECK_GRACE_SECONDS),
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
    });

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(stage.logRetentionDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(
      this,
      'LoadBalancer',
      {
        vpc,
        internetFacing: true,
        vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
        dropInvalidHeaderFields: true,
        deletionProtection: stage.deletionProtection,
      },
    );
    this.loadBalancer.logAccessLogs(this.accessLogs, 'alb');

    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: stage.hostedZoneId,
      zoneName: stage.hostedZoneName,
    });
    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName: stage.domainName,
      validation: acm.CertificateValidation.fromDns(zone),
    });
    const https = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [certificate],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
    });
    this.loadBalancer.addRedirect({
      sourcePort: 80,
      sourceProtocol: elbv2.ApplicationProtocol.HTTP,
      targetPort: 443,
      targetProtocol: elbv2.ApplicationProtocol.HTTPS,
    });
    // Readiness answers 503 until every plugin has started and again from SIGTERM on (graceful shutdown).
    const targetGroup = https.addTargets('Backstage', {
      port: CONTAINER_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [
        this.service.loadBalancerTarget({
          containerName: CONTAINER_NAME,
          containerPort: CONTAINER_PORT,
        }),
      ],
      deregistrationDelay: Duration.seconds(DEREGISTRATION_DELAY_SECONDS),
      healthCheck: {
        path: READINESS_PATH,
        healthyHttpCodes: '200',
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });
    new route53.ARecord(this, 'Alias', {
      zone,
      recordName: stage.domainName,
      target: route53.RecordTarget.fromAlias(
        new targets.LoadBalancerTarget(this.loadBalancer),
      ),
    });

    const scaling = this.service.autoScaleTaskCount({
      minCapacity: stage.minTasks,
      maxCapacity: stage.maxTasks,
    });
    scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: 60,
      scaleOutCooldown: Duration.minutes(1),
      scaleInCooldown: Duration.minutes(5),
    });
    scaling.scaleOnRequestCount('Requests', {
      requestsPerTarget: 1200,
      targetGroup,
      scaleOutCooldown: Duration.minutes(1),
      scaleInCooldown: Duration.minutes(5),
    });
  }
}
