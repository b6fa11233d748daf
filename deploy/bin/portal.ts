// The CDK app (deploy/cdk.json): `yarn workspace deploy cdk deploy DeveloperPortal-staging -c imageTag=<git sha>`.
import { App } from 'aws-cdk-lib';
import { buildPortalApp } from '../src/app';

const app = new App();
buildPortalApp(app);
app.synth();
