// The Backstage lint rules, adjusted for a CDK app (not a Backstage package, never bundled into the image).
module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // CDK constructs register themselves in their scope: `new Construct(scope, id)` for its effect is the idiom.
    'no-new': 'off',
    // Backstage bans __dirname because bundled backends move files; this app always runs from its sources, and
    // reads the repository's app-config and Dockerfile relative to itself.
    'no-restricted-syntax': 'off',
  },
  testRules: {
    // CDK's Template.hasResourceProperties is an assertion.
    'jest/expect-expect': [
      'warn',
      { assertFunctionNames: ['expect', '*.hasResourceProperties'] },
    ],
  },
});
