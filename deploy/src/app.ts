import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readBackendSettings } from './backendSettings';
import { PortalStack } from './portalStack';
import { RegistryStack } from './registryStack';
import {
  CONTEXT_KEY,
  parseImageTag,
  parsePortalContext,
  STAGES,
} from './stageConfig';

export const stackName = {
  registry: 'DeveloperPortal-Registry',
  staging: 'DeveloperPortal-staging',
  production: 'DeveloperPortal-production',
} as const;

/**
 * The whole app: the image registry and one stack per stage, with the cdk-nag AwsSolutions pack on every stack
 * (a validation plugin: an unacknowledged finding stops `cdk synth` and `cdk deploy`).
 */
export function buildPortalApp(app: App) {
  const context = parsePortalContext(app.node.tryGetContext(CONTEXT_KEY));
  const imageTag = parseImageTag(app.node.tryGetContext('imageTag'));
  const backend = readBackendSettings();
  const registry = new RegistryStack(app, stackName.registry, {
    env: context.registry,
    registry: context.registry,
    stages: STAGES.map(s => context.stages[s]),
    description: 'developer-portal: the image repository shared by every stage',
  });
  const stages = Object.fromEntries(
    STAGES.map(name => {
      const stage = context.stages[name];
      const stack = new PortalStack(app, stackName[name], {
        env: { account: stage.account, region: stage.region },
        stage,
        registry: context.registry,
        imageTag,
        backend,
        description: `developer-portal ${name}: VPC, ALB, ECS Fargate, Aurora PostgreSQL, ElastiCache`,
        terminationProtection: stage.deletionProtection,
      });
      return [name, stack];
    }),
  ) as Record<(typeof STAGES)[number], PortalStack>;
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app, { verbose: true }),
  );
  return { registry, stages };
}
