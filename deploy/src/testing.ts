import { App } from 'aws-cdk-lib';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildPortalApp } from './app';

/** The context of deploy/cdk.json (what `cdk synth` uses), with overrides. */
export function cdkContext(overrides: Record<string, unknown> = {}) {
  const cdkJson = JSON.parse(
    readFileSync(path.join(__dirname, '../cdk.json'), 'utf8'),
  );
  return { ...cdkJson.context, imageTag: '0123abc', ...overrides };
}

/** The whole app as `cdk synth` builds it, in a fresh output folder (no AWS call: context only). */
export function synthPortalApp(overrides: Record<string, unknown> = {}) {
  const app = new App({ context: cdkContext(overrides) });
  return { app, ...buildPortalApp(app) };
}
