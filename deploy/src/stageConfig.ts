/**
 * The per-stage settings, read from the CDK context key `developer-portal` (cdk.json, overridable with `-c`).
 * Everything is given explicitly (account, region, hosted zone id and name): the app never calls a context
 * lookup, so `cdk synth` needs no AWS account.
 */
export const CONTEXT_KEY = 'developer-portal';
export const STAGES = ['staging', 'production'] as const;
export type StageName = (typeof STAGES)[number];

export interface Environment {
  account: string;
  region: string;
}

export interface RegistryConfig extends Environment {
  repositoryName: string;
}

export interface StageConfig extends Environment {
  name: StageName;
  /** Route53 hosted zone holding `domainName` (given by id and name: no lookup). */
  hostedZoneId: string;
  hostedZoneName: string;
  /** The portal's public host name; APP_BASE_URL and BACKEND_BASE_URL are https://<domainName>. */
  domainName: string;
  githubOrg: string;
  metricsApiUrl: string;
  k8sClusterUrl: string;
  natGateways: number;
  minTasks: number;
  maxTasks: number;
  cpu: number;
  memoryMiB: number;
  database: {
    minCapacity: number;
    maxCapacity: number;
    readers: number;
    backupRetentionDays: number;
  };
  cache: { nodeType: string };
  logRetentionDays: number;
  deletionProtection: boolean;
}

export interface PortalContext {
  registry: RegistryConfig;
  stages: Record<StageName, StageConfig>;
}

class ContextError extends Error {
  constructor(path: string, expected: string, value: unknown) {
    super(
      `CDK context ${CONTEXT_KEY}.${path}: expected ${expected}, got ${JSON.stringify(
        value,
      )} (set it in deploy/cdk.json or with -c)`,
    );
  }
}

type Raw = Record<string, unknown>;

function object(value: unknown, path: string): Raw {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ContextError(path, 'an object', value);
  }
  return value as Raw;
}

function string(raw: Raw, key: string, path: string, pattern?: RegExp) {
  const value = raw[key];
  if (typeof value !== 'string' || !value || (pattern && !pattern.test(value)))
    throw new ContextError(
      `${path}.${key}`,
      pattern ? `a string matching ${pattern}` : 'a non-empty string',
      value,
    );
  return value;
}

function number(raw: Raw, key: string, path: string, min: number, max: number) {
  const value = raw[key];
  if (typeof value !== 'number' || value < min || value > max)
    throw new ContextError(
      `${path}.${key}`,
      `a number from ${min} to ${max}`,
      value,
    );
  return value;
}

function boolean(raw: Raw, key: string, path: string) {
  const value = raw[key];
  if (typeof value !== 'boolean')
    throw new ContextError(`${path}.${key}`, 'true or false', value);
  return value;
}

// The values CloudWatch Logs accepts.
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
  2192, 2557, 2922, 3288, 3653,
];

function retentionDays(raw: Raw, path: string) {
  const value = raw.logRetentionDays;
  if (typeof value !== 'number' || !RETENTION_DAYS.includes(value))
    throw new ContextError(
      `${path}.logRetentionDays`,
      `one of ${RETENTION_DAYS.join(', ')}`,
      value,
    );
  return value;
}

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const HOST =
  /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;
const HTTPS_URL = /^https:\/\/\S+$/;

function environment(raw: Raw, path: string): Environment {
  return {
    account: string(raw, 'account', path, ACCOUNT),
    region: string(raw, 'region', path, REGION),
  };
}

function stage(name: StageName, value: unknown): StageConfig {
  const path = `stages.${name}`;
  const raw = object(value, path);
  const database = object(raw.database, `${path}.database`);
  const cache = object(raw.cache, `${path}.cache`);
  const config: StageConfig = {
    name,
    ...environment(raw, path),
    hostedZoneId: string(raw, 'hostedZoneId', path, /^Z[A-Z0-9]+$/),
    hostedZoneName: string(raw, 'hostedZoneName', path, HOST),
    domainName: string(raw, 'domainName', path, HOST),
    githubOrg: string(raw, 'githubOrg', path),
    metricsApiUrl: string(raw, 'metricsApiUrl', path, HTTPS_URL),
    k8sClusterUrl: string(raw, 'k8sClusterUrl', path, HTTPS_URL),
    natGateways: number(raw, 'natGateways', path, 1, 2),
    // At least two tasks: one replica keeps serving while the other is replaced or fails.
    minTasks: number(raw, 'minTasks', path, 2, 20),
    maxTasks: number(raw, 'maxTasks', path, 2, 20),
    cpu: number(raw, 'cpu', path, 512, 4096),
    memoryMiB: number(raw, 'memoryMiB', path, 1024, 30720),
    database: {
      minCapacity: number(database, 'minCapacity', `${path}.database`, 0, 256),
      maxCapacity: number(database, 'maxCapacity', `${path}.database`, 1, 256),
      readers: number(database, 'readers', `${path}.database`, 0, 15),
      backupRetentionDays: number(
        database,
        'backupRetentionDays',
        `${path}.database`,
        1,
        35,
      ),
    },
    cache: { nodeType: string(cache, 'nodeType', `${path}.cache`, /^cache\./) },
    logRetentionDays: retentionDays(raw, path),
    deletionProtection: boolean(raw, 'deletionProtection', path),
  };
  if (config.maxTasks < config.minTasks)
    throw new ContextError(
      `${path}.maxTasks`,
      `at least minTasks (${config.minTasks})`,
      config.maxTasks,
    );
  if (
    config.domainName !== config.hostedZoneName &&
    !config.domainName.endsWith(`.${config.hostedZoneName}`)
  )
    throw new ContextError(
      `${path}.domainName`,
      `a name in the hosted zone ${config.hostedZoneName}`,
      config.domainName,
    );
  return config;
}

/** Parses and checks the `developer-portal` context; throws naming the first bad key. */
export function parsePortalContext(value: unknown): PortalContext {
  const raw = object(value, '');
  const registry = object(raw.registry, 'registry');
  const stages = object(raw.stages, 'stages');
  return {
    registry: {
      ...environment(registry, 'registry'),
      repositoryName: string(
        registry,
        'repositoryName',
        'registry',
        /^[a-z0-9][a-z0-9._/-]*$/,
      ),
    },
    stages: {
      staging: stage('staging', stages.staging),
      production: stage('production', stages.production),
    },
  };
}

/** The image tag every stage runs: a git commit sha (the ECR repository's tags are immutable). */
export function parseImageTag(value: unknown): string {
  if (typeof value !== 'string' || !/^[0-9a-f]{7,40}$/.test(value))
    throw new Error(
      `CDK context imageTag: expected a git commit sha (7 to 40 hex digits), got ${JSON.stringify(
        value,
      )}; deploy with -c imageTag=$(git rev-parse HEAD)`,
    );
  return value;
}
