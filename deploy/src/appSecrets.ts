import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { StageName } from './stageConfig';

/**
 * The secrets an operator creates in Secrets Manager before the first deploy (README, Operations), one set per stage
 * under `developer-portal/<stage>/`. `field` names a JSON key of the secret; without it the whole value is used.
 * The database and cache credentials are not here: the stack generates those.
 */
export const OPERATOR_SECRETS: Record<
  string,
  { secret: string; field?: string }
> = {
  AUTH_GITHUB_CLIENT_ID: { secret: 'github-oauth', field: 'clientId' },
  AUTH_GITHUB_CLIENT_SECRET: { secret: 'github-oauth', field: 'clientSecret' },
  GITHUB_TOKEN: { secret: 'github-integration' },
  BACKEND_CI_TOKEN: { secret: 'ci-token' },
  PAGERDUTY_TOKEN: { secret: 'pagerduty' },
  METRICS_API_TOKEN: { secret: 'metrics' },
  K8S_SA_TOKEN: { secret: 'k8s-sa-token' },
};

export const secretName = (stage: StageName, name: string) =>
  `developer-portal/${stage}/${name}`;

/** The operator's secrets as ECS secrets (read by the execution role at task start, injected as env). */
export function operatorSecrets(
  scope: Construct,
  stage: StageName,
): Record<string, ecs.Secret> {
  const imported = new Map<string, secretsmanager.ISecret>();
  const result: Record<string, ecs.Secret> = {};
  for (const [variable, { secret, field }] of Object.entries(
    OPERATOR_SECRETS,
  )) {
    if (!imported.has(secret)) {
      imported.set(
        secret,
        secretsmanager.Secret.fromSecretNameV2(
          scope,
          `Secret-${secret}`,
          secretName(stage, secret),
        ),
      );
    }
    result[variable] = ecs.Secret.fromSecretsManager(
      imported.get(secret)!,
      field,
    );
  }
  return result;
}
