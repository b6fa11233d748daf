#!/usr/bin/env bash
# The `deploy` phase of scripts/test.sh, offline (no AWS account, no network): `cdk synth` of every stack through the
# CLI and deploy/cdk.json, as a deploy would (the cdk-nag AwsSolutions pack runs as a validation plugin: a finding
# nobody acknowledged fails the synth), then the Jest tests (stack assertions, cdk-nag, context checks, the GitHub
# workflows against their schema).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# No telemetry, notices or instance-metadata probing: nothing may wait on the network.
export CDK_DISABLE_CLI_TELEMETRY=true AWS_EC2_METADATA_DISABLED=true
yarn cdk synth --quiet --no-notices --no-version-reporting -c imageTag=0000000 -o "$out"
echo "cdk synth: $(ls "$out"/*.template.json | wc -l) templates"
yarn jest --ci
