import { Match, Template } from 'aws-cdk-lib/assertions';
import { OPERATOR_SECRETS } from './appSecrets';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readBackendSettings, repoRoot } from './backendSettings';
import { RDS_CA_FILE } from './portalStack';
import { HEALTH_CHECK_GRACE_SECONDS, READINESS_PATH } from './service';
import { STAGES, StageName } from './stageConfig';
import { cdkContext, synthPortalApp } from './testing';

const { registry, stages } = synthPortalApp();
const template = Object.fromEntries(
  STAGES.map(name => [name, Template.fromStack(stages[name])]),
) as Record<StageName, Template>;
const context = cdkContext()['developer-portal'];
const backend = readBackendSettings();

type Resource = { Properties: Record<string, any> };
const all = (t: Template, type: string, props?: object) =>
  Object.values(
    t.findResources(type, props && { Properties: props }),
  ) as Resource[];
const only = (t: Template, type: string, props?: object): Resource => {
  const found = all(t, type, props);
  expect(found).toHaveLength(1);
  return found[0];
};
const container = (stage: StageName) =>
  only(template[stage], 'AWS::ECS::TaskDefinition').Properties
    .ContainerDefinitions[0];
const logicalId = (t: Template, type: string, props?: object) => {
  const ids = Object.keys(
    t.findResources(type, props && { Properties: props }),
  );
  expect(ids).toHaveLength(1);
  return ids[0];
};

describe('image registry', () => {
  it('is one ECR repository with immutable tags, scanned on push; every stage runs the sha tag from context', () => {
    Template.fromStack(registry).hasResourceProperties('AWS::ECR::Repository', {
      RepositoryName: 'developer-portal',
      ImageTagMutability: 'IMMUTABLE',
      ImageScanningConfiguration: { ScanOnPush: true },
    });
    for (const stage of STAGES) {
      expect(JSON.stringify(container(stage).Image)).toContain(
        '/developer-portal:0123abc',
      );
    }
  });
});

describe.each(STAGES)('%s stack', stage => {
  const t = template[stage];
  const config = context.stages[stage];

  it('puts the portal behind HTTPS on its domain: ACM certificate validated in the hosted zone, alias record', () => {
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      Type: 'application',
    });
    t.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: config.domainName,
      ValidationMethod: 'DNS',
      DomainValidationOptions: [
        { DomainName: config.domainName, HostedZoneId: config.hostedZoneId },
      ],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: Match.anyValue() }],
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    });
    t.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: `${config.domainName}.`,
      Type: 'A',
      HostedZoneId: config.hostedZoneId,
      AliasTarget: Match.objectLike({ DNSName: Match.anyValue() }),
    });
  });

  it('redirects HTTP to HTTPS', () => {
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [
        {
          Type: 'redirect',
          RedirectConfig: {
            Protocol: 'HTTPS',
            Port: '443',
            StatusCode: 'HTTP_301',
          },
        },
      ],
    });
  });

  it('routes only to ready tasks: readiness health check, deregistration delay', () => {
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 7007,
      TargetType: 'ip',
      HealthCheckPath: READINESS_PATH,
      Matcher: { HttpCode: '200' },
      TargetGroupAttributes: Match.arrayWith([
        { Key: 'deregistration_delay.timeout_seconds', Value: '20' },
      ]),
    });
  });

  it('runs at least two Fargate tasks; a deployment whose tasks never get healthy rolls back', () => {
    const service = only(t, 'AWS::ECS::Service').Properties;
    expect(service.LaunchType).toBe('FARGATE');
    expect(service.DesiredCount).toBeGreaterThanOrEqual(2);
    expect(service.DeploymentConfiguration).toEqual({
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      MinimumHealthyPercent: 100,
      MaximumPercent: 200,
    });
    expect(service.HealthCheckGracePeriodSeconds).toBe(
      HEALTH_CHECK_GRACE_SECONDS,
    );
    expect(
      service.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp,
    ).toBe('DISABLED');
  });

  it('scales on CPU and on requests per task, never below two tasks', () => {
    const target = only(
      t,
      'AWS::ApplicationAutoScaling::ScalableTarget',
    ).Properties;
    expect(target.MinCapacity).toBeGreaterThanOrEqual(2);
    expect(target.MaxCapacity).toBe(config.maxTasks);
    for (const metric of [
      'ECSServiceAverageCPUUtilization',
      'ALBRequestCountPerTarget',
    ]) {
      t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: Match.objectLike({
          PredefinedMetricSpecification: Match.objectLike({
            PredefinedMetricType: metric,
          }),
        }),
      });
    }
  });

  it('gives the container a stop timeout beyond the backend graceful-shutdown deadlines', () => {
    const { StopTimeout } = container(stage);
    // 27 s exitTimeout + 3 s today; derived from app-config.production.yaml, so a longer drain moves it.
    expect(StopTimeout).toBe(Math.ceil(backend.exitSeconds) + 3);
    expect(StopTimeout).toBeGreaterThan(
      backend.shutdownDelaySeconds + backend.drainSeconds,
    );
    expect(StopTimeout).toBeLessThanOrEqual(120);
  });

  it('starts the image as built: production its CMD, staging with its config layered last', () => {
    const { Command } = container(stage);
    expect(Command).toEqual(
      stage === 'staging'
        ? [...backend.imageCommand, '--config', 'app-config.staging.yaml']
        : undefined,
    );
  });

  it('verifies Aurora against the RDS CA bundle the image ships; OpenTelemetry and the TLS layer in the command', () => {
    const env = Object.fromEntries(
      (container(stage).Environment as { Name: string; Value: unknown }[]).map(
        e => [e.Name, e.Value],
      ),
    );
    // node-postgres' PGSSLMODE would verify against Node's built-in CAs, which do not include the RDS CAs.
    expect(env.PGSSLMODE).toBeUndefined();
    expect(env.POSTGRES_CA_FILE).toBe(RDS_CA_FILE);
    const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(
      new RegExp(
        `^ADD [^\\n]*https://truststore\\.pki\\.rds\\.amazonaws\\.com/global/global-bundle\\.pem ${RDS_CA_FILE}$`,
        'm',
      ),
    );
    const command = backend.imageCommand;
    expect(command.slice(0, 3)).toEqual([
      'node',
      '--require',
      './packages/backend/instrumentation.js',
    ]);
    expect(command.slice(-2)).toEqual([
      '--config',
      'app-config.postgres-tls.yaml',
    ]);
  });

  it('provides every variable of backend.requiredEnvironment, secrets only from Secrets Manager', () => {
    const { Environment, Secrets } = container(stage);
    const env = (Environment as { Name: string }[]).map(e => e.Name);
    const secrets = (Secrets as { Name: string; ValueFrom: unknown }[]).map(
      s => s.Name,
    );
    expect(backend.requiredEnvironment).toContain('REDIS_URL');
    for (const name of backend.requiredEnvironment)
      expect([...env, ...secrets]).toContain(name);
    const secretLike = /TOKEN|SECRET|PASSWORD|CLIENT_ID|_USER$|REDIS_URL/;
    expect(env.filter(name => secretLike.test(name))).toEqual([]);
    expect(secrets.sort()).toEqual(
      [
        'POSTGRES_USER',
        'POSTGRES_PASSWORD',
        'REDIS_URL',
        ...Object.keys(OPERATOR_SECRETS),
      ].sort(),
    );
    for (const { ValueFrom } of Secrets)
      expect(JSON.stringify(ValueFrom)).toMatch(
        /secretsmanager|SecretAttachment|CacheUrl/,
      );
    expect(JSON.stringify(Secrets)).toContain(
      `secret:developer-portal/${stage}/github-oauth:clientSecret::`,
    );
  });

  it('gives the task role read access to the TechDocs bucket alone, the execution role only its own resources', () => {
    const task = only(t, 'AWS::ECS::TaskDefinition').Properties;
    const taskRoleId = task.TaskRoleArn['Fn::GetAtt'][0];
    const attachedTo = (roleId: string) =>
      all(t, 'AWS::IAM::Policy').filter(p =>
        JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`),
      );
    const docs = logicalId(t, 'AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
    });
    expect(
      attachedTo(taskRoleId).flatMap(
        p => p.Properties.PolicyDocument.Statement,
      ),
    ).toEqual([
      {
        Action: 's3:ListBucket',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [docs, 'Arn'] },
      },
      {
        Action: 's3:GetObject',
        Effect: 'Allow',
        Resource: {
          'Fn::Join': ['', [{ 'Fn::GetAtt': [docs, 'Arn'] }, '/*']],
        },
      },
    ]);
    expect(
      t.findResources('AWS::IAM::Role')[taskRoleId].Properties
        .ManagedPolicyArns,
    ).toBeUndefined();
    const [execution] = attachedTo(task.ExecutionRoleArn['Fn::GetAtt'][0]);
    const statements = execution.Properties.PolicyDocument.Statement as {
      Action: string | string[];
      Resource: unknown;
    }[];
    expect(
      statements.filter(s => JSON.stringify(s.Resource) === '"*"'),
    ).toEqual([
      { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
    ]);
    expect(statements.flatMap(s => s.Action).sort()).toEqual(
      [
        'ecr:BatchCheckLayerAvailability',
        'ecr:BatchGetImage',
        'ecr:GetAuthorizationToken',
        'ecr:GetDownloadUrlForLayer',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
      ].sort(),
    );
  });

  it('logs to a log group with the stage retention', () => {
    const name = `/ecs/developer-portal-${stage}`;
    t.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: name,
      RetentionInDays: config.logRetentionDays,
    });
    expect(container(stage).LogConfiguration).toMatchObject({
      LogDriver: 'awslogs',
      Options: {
        'awslogs-group': {
          Ref: logicalId(t, 'AWS::Logs::LogGroup', { LogGroupName: name }),
        },
      },
    });
  });

  it('runs Aurora PostgreSQL with a generated Secrets Manager password, TLS forced, storage encrypted', () => {
    t.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
      Family: Match.stringLikeRegexp('^aurora-postgresql'),
      Parameters: { 'rds.force_ssl': '1' },
    });
    const cluster = only(t, 'AWS::RDS::DBCluster').Properties;
    expect(cluster).toMatchObject({
      Engine: 'aurora-postgresql',
      StorageEncrypted: true,
      MasterUsername: 'backstage',
      DBClusterParameterGroupName: {
        Ref: logicalId(t, 'AWS::RDS::DBClusterParameterGroup'),
      },
      ServerlessV2ScalingConfiguration: {
        MinCapacity: config.database.minCapacity,
        MaxCapacity: config.database.maxCapacity,
      },
    });
    expect(JSON.stringify(cluster.MasterUserPassword)).toContain(
      '{{resolve:secretsmanager:',
    );
    t.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: `developer-portal/${stage}/database`,
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'password' }),
    });
  });

  it('protects the database from deletion in production only', () => {
    expect(only(t, 'AWS::RDS::DBCluster').Properties.DeletionProtection).toBe(
      stage === 'production',
    );
  });

  it('runs the shared cache with TLS in transit, encryption at rest and an AUTH token; REDIS_URL is rediss://', () => {
    const group = only(t, 'AWS::ElastiCache::ReplicationGroup').Properties;
    expect(group).toMatchObject({
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AtRestEncryptionEnabled: true,
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
    });
    expect(JSON.stringify(group.AuthToken)).toContain(
      '{{resolve:secretsmanager:',
    );
    const url = only(t, 'AWS::SecretsManager::Secret', {
      Name: `developer-portal/${stage}/redis-url`,
    }).Properties.SecretString;
    expect(url['Fn::Join'][1][0]).toBe('rediss://:{{resolve:secretsmanager:');
  });

  it('lets only the portal tasks reach the database and the cache', () => {
    const serviceSg = only(t, 'AWS::ECS::Service').Properties
      .NetworkConfiguration.AwsvpcConfiguration.SecurityGroups[0];
    const ingress = all(t, 'AWS::EC2::SecurityGroupIngress');
    const guarded = [
      only(t, 'AWS::RDS::DBCluster').Properties.VpcSecurityGroupIds[0],
      only(t, 'AWS::ElastiCache::ReplicationGroup').Properties
        .SecurityGroupIds[0],
    ];
    for (const group of guarded) {
      const sg = t.findResources('AWS::EC2::SecurityGroup')[
        group['Fn::GetAtt'][0]
      ];
      expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
      const rules = ingress.filter(
        r => JSON.stringify(r.Properties.GroupId) === JSON.stringify(group),
      );
      expect(rules.map(r => r.Properties.SourceSecurityGroupId)).toEqual([
        serviceSg,
      ]);
    }
  });

  describe('TechDocs', () => {
    const docs = () =>
      logicalId(t, 'AWS::S3::Bucket', {
        VersioningConfiguration: { Status: 'Enabled' },
      });
    const docsArn = () => ({ 'Fn::GetAtt': [docs(), 'Arn'] });
    const docsObjects = () => ({
      'Fn::Join': ['', [docsArn(), '/*']],
    });
    const policiesOf = (roleId: string) =>
      all(t, 'AWS::IAM::Policy').filter(p =>
        JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`),
      );
    const actionsOf = (roleId: string) =>
      policiesOf(roleId)
        .flatMap(p => p.Properties.PolicyDocument.Statement)
        .flatMap((s: { Action: string | string[] }) => [s.Action].flat());
    const publisherId = () =>
      logicalId(t, 'AWS::IAM::Role', {
        RoleName: `developer-portal-${stage}-techdocs-publisher`,
      });

    it('keeps the docs in a private bucket: encrypted, TLS only, versioned, access logged, kept on stack deletion', () => {
      const bucket = t.findResources('AWS::S3::Bucket')[docs()];
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.Properties).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: {
          Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
        },
        LifecycleConfiguration: {
          Rules: [
            {
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
              NoncurrentVersionExpiration: { NoncurrentDays: 30 },
              Status: 'Enabled',
            },
          ],
        },
        LoggingConfiguration: { LogFilePrefix: 's3/techdocs/' },
      });
      t.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: docs() },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });

    it('lets the portal read the bucket and never write it (no s3:PutObject, no s3:DeleteObject)', () => {
      const task = only(t, 'AWS::ECS::TaskDefinition').Properties;
      const taskRoleId = task.TaskRoleArn['Fn::GetAtt'][0];
      const actions = actionsOf(taskRoleId);
      expect(actions.sort()).toEqual(['s3:GetObject', 's3:ListBucket']);
      expect(actions).not.toContain('s3:PutObject');
      expect(actions.filter(a => /Put|Delete|\*/.test(a))).toEqual([]);
      // Nor through the bucket policy: it only denies plain HTTP.
      const bucketPolicy = only(t, 'AWS::S3::BucketPolicy', {
        Bucket: { Ref: docs() },
      }).Properties.PolicyDocument.Statement;
      expect(bucketPolicy.map((s: { Effect: string }) => s.Effect)).toEqual([
        'Deny',
      ]);
    });

    it('tells the container which bucket and region to read (app-config.production.yaml)', () => {
      const env = Object.fromEntries(
        (
          container(stage).Environment as { Name: string; Value: unknown }[]
        ).map(e => [e.Name, e.Value]),
      );
      expect(env.TECHDOCS_S3_BUCKET).toEqual({ Ref: docs() });
      expect(env.TECHDOCS_S3_REGION).toBe(config.region);
      expect(backend.requiredEnvironment).toEqual(
        expect.arrayContaining(['TECHDOCS_S3_BUCKET', 'TECHDOCS_S3_REGION']),
      );
    });

    it('lets CI publish through its own role: GitHub OIDC from main branches of the stage organization, writes to this bucket only', () => {
      const role = t.findResources('AWS::IAM::Role')[publisherId()].Properties;
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Action: 'sts:AssumeRoleWithWebIdentity',
          Effect: 'Allow',
          Principal: {
            Federated: `arn:aws:iam::${config.account}:oidc-provider/token.actions.githubusercontent.com`,
          },
          Condition: {
            StringEquals: {
              'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
            },
            StringLike: {
              'token.actions.githubusercontent.com:sub': `repo:${config.githubOrg}/*:ref:refs/heads/main`,
            },
          },
        },
      ]);
      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(
        policiesOf(publisherId()).flatMap(
          p => p.Properties.PolicyDocument.Statement,
        ),
      ).toEqual([
        { Action: 's3:ListBucket', Effect: 'Allow', Resource: docsArn() },
        {
          Action: [
            's3:AbortMultipartUpload',
            's3:DeleteObject',
            's3:PutObject',
          ],
          Effect: 'Allow',
          Resource: docsObjects(),
        },
      ]);
      // What a repository's workflow needs, as stack outputs.
      t.hasOutput('TechDocsBucket', { Value: { Ref: docs() } });
      t.hasOutput('TechDocsPublisherRoleArn', {
        Value: { 'Fn::GetAtt': [publisherId(), 'Arn'] },
      });
    });
  });
});
