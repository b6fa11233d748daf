import { validateWorkflow } from '@action-validator/core';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { stackName } from './app';
import { repoRoot } from './backendSettings';
import { cdkContext } from './testing';

/**
 * The GitHub Actions workflows, checked offline: @action-validator/core (the SchemaStore workflow schema compiled to
 * WebAssembly, plus job and step reference checks), then what the pipeline must do.
 */
const dir = path.join(repoRoot, '.github/workflows');
const files = readdirSync(dir).filter(f => /\.ya?ml$/.test(f));
const workflow = (file: string) =>
  parse(readFileSync(path.join(dir, file), 'utf8'));
const steps = (job: any): any[] => job.steps ?? [];
const runs = (job: any) => steps(job).map(s => s.run ?? '');

describe('GitHub Actions workflows', () => {
  it.each(files)('%s is a valid workflow', file => {
    const { errors } = validateWorkflow(
      readFileSync(path.join(dir, file), 'utf8'),
    );
    expect(errors).toEqual([]);
  });

  it('the validator rejects a broken workflow (it can fail)', () => {
    const { errors } = validateWorkflow(
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    needs: nope\n    step:\n      - run: true\n',
    );
    expect(errors.map(e => e.code)).toEqual(
      expect.arrayContaining(['unresolved_job']),
    );
  });

  it('runs the README test command on pull requests, with PostgreSQL on 127.0.0.1:5432', () => {
    const test = workflow('test.yml');
    expect(Object.keys(test.on)).toEqual(
      expect.arrayContaining(['pull_request', 'workflow_call']),
    );
    const job = test.jobs.test;
    expect(runs(job)).toContain('./scripts/test.sh');
    expect(job.services.postgres).toMatchObject({
      ports: ['5432:5432'],
      env: { POSTGRES_HOST_AUTH_METHOD: 'trust' },
    });
  });

  it('on main: tests, image, staging, then production behind the protected environment', () => {
    const deploy = workflow('deploy.yml');
    expect(deploy.on).toEqual({ push: { branches: ['main'] } });
    const { test, image, staging, production } = deploy.jobs;
    expect(test.uses).toBe('./.github/workflows/test.yml');
    expect(image.needs).toBe('test');
    expect(staging.needs).toBe('image');
    expect(production.needs).toEqual(['image', 'staging']);
    expect(staging.environment.name).toBe('staging');
    expect(production.environment.name).toBe('production');
    expect(deploy.concurrency['cancel-in-progress']).toBe(false);
  });

  it('tags the image with the commit sha and deploys that tag to each stage stack', () => {
    const { image, staging, production } = workflow('deploy.yml').jobs;
    const push = steps(image).find(s =>
      String(s.uses).startsWith('docker/build-push-action'),
    );
    // The repository the registry stack creates (deploy/cdk.json), which the stage stacks pull from.
    const { repositoryName } = cdkContext()['developer-portal'].registry;
    expect(push.with.tags).toBe(
      `\${{ steps.ecr.outputs.registry }}/${repositoryName}:\${{ github.sha }}`,
    );
    expect(runs(image).join('\n')).toContain(
      `--repository-name ${repositoryName} --image-ids imageTag=\${{ github.sha }}`,
    );
    expect(image.outputs.tag).toBe('${{ github.sha }}');
    for (const [job, stack] of [
      [staging, stackName.staging],
      [production, stackName.production],
    ]) {
      const deployRun = runs(job).find(r => r.includes('cdk deploy'));
      expect(deployRun).toContain(`cdk deploy ${stack} --exclusively`);
      expect(deployRun).toContain('-c imageTag=${{ needs.image.outputs.tag }}');
    }
  });

  it('reaches AWS by OIDC role assumption only, never with stored keys', () => {
    const { jobs } = workflow('deploy.yml');
    const aws = Object.values<any>(jobs).filter(job =>
      steps(job).some(s =>
        String(s.uses).startsWith('aws-actions/configure-aws-credentials'),
      ),
    );
    expect(aws).toHaveLength(3);
    for (const job of aws) {
      expect(job.permissions['id-token']).toBe('write');
      const login = steps(job).find(s =>
        String(s.uses).startsWith('aws-actions/configure-aws-credentials'),
      );
      expect(Object.keys(login.with).sort()).toEqual([
        'aws-region',
        'role-to-assume',
      ]);
    }
    for (const file of files)
      expect(readFileSync(path.join(dir, file), 'utf8')).not.toMatch(
        /aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/,
      );
  });

  // README, "TechDocs in production": each documented repository calls it, once per stage.
  it("publishes a repository's docs with @techdocs/cli (generate, then publish to S3) through the stage's publisher role", () => {
    const techdocs = workflow('techdocs.yml');
    expect(Object.keys(techdocs.on)).toEqual(['workflow_call']);
    const { inputs } = techdocs.on.workflow_call;
    for (const name of ['entity', 'bucket', 'role-to-assume', 'aws-region'])
      expect(inputs[name]).toMatchObject({ required: true, type: 'string' });
    expect(techdocs.permissions).toEqual({ contents: 'read' });
    const job = techdocs.jobs.publish;
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const commands = runs(job).map(r => r.replace(/\s+/g, ' ').trim());
    const generate = commands.findIndex(r =>
      r.includes('"$TECHDOCS_CLI" generate --no-docker'),
    );
    const publish = commands.findIndex(r =>
      r.includes('"$TECHDOCS_CLI" publish --publisher-type awsS3'),
    );
    expect(generate).toBeGreaterThanOrEqual(0);
    expect(publish).toBeGreaterThan(generate);
    expect(commands[publish]).toContain(
      '--storage-name "$BUCKET" --entity "$ENTITY" --directory ./site',
    );
    expect(job.env.TECHDOCS_CLI).toMatch(/^@techdocs\/cli@\d+\.\d+\.\d+$/);
    // OIDC role assumption, after the build: the site is generated without any AWS credential in the environment.
    const login = steps(job).findIndex(s =>
      String(s.uses).startsWith('aws-actions/configure-aws-credentials'),
    );
    expect(steps(job)[login].with).toEqual({
      'role-to-assume': '${{ inputs.role-to-assume }}',
      'aws-region': '${{ inputs.aws-region }}',
    });
    // (runs() has one entry per step, so these are step indices.)
    expect(login).toBeGreaterThan(generate);
    expect(login).toBeLessThan(publish);
    // Inputs reach the shell through env only (no script injection through an input).
    expect(runs(job).join('\n')).not.toContain('${{');
  });
});
