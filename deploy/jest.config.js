// Plain Jest with SWC: this workspace is not a Backstage package, and `backstage-cli repo test` (the unit phase)
// must not pick it up: its tests run in the `deploy` phase of scripts/test.sh.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } },
    ],
  },
  testTimeout: 60000,
};
