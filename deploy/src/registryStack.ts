import { Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { RegistryConfig, StageConfig } from './stageConfig';

export interface RegistryStackProps extends StackProps {
  registry: RegistryConfig;
  /** Stages in other accounts get pull access (one image, promoted from staging to production). */
  stages: StageConfig[];
}

/**
 * The image repository, shared by every stage: CI pushes each commit once, tagged with its git sha, and staging and
 * production run that same image. Tags are immutable, so a sha names one image forever (promotion and rollback are
 * a change of tag, never a rebuild).
 */
export class RegistryStack extends Stack {
  readonly repository: ecr.Repository;

  constructor(scope: Construct, id: string, props: RegistryStackProps) {
    super(scope, id, props);
    this.repository = new ecr.Repository(this, 'Repository', {
      repositoryName: props.registry.repositoryName,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      imageScanOnPush: true,
      encryption: ecr.RepositoryEncryption.AES_256,
      // The images production may roll back to must outlive the stack.
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          description: 'Untagged layers of interrupted pushes',
          tagStatus: ecr.TagStatus.UNTAGGED,
          maxImageAge: Duration.days(7),
        },
        {
          description:
            'Keep the last 200 commits: enough to roll back to anything recent',
          tagStatus: ecr.TagStatus.ANY,
          maxImageCount: 200,
        },
      ],
    });
    for (const account of new Set(
      props.stages
        .map(s => s.account)
        .filter(a => a !== props.registry.account),
    )) {
      this.repository.grantPull(new iam.AccountPrincipal(account));
    }
  }
}
