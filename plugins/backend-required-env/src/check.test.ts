import { missingEnvironment, missingEnvironmentError } from './check';

describe('missingEnvironment', () => {
  it('lists unset and empty variables, in the order required', () => {
    expect(
      missingEnvironment(['A', 'B', 'C', 'D'], { A: 'x', C: '', D: '  ' }),
    ).toEqual(['B', 'C', 'D']);
  });

  it('is empty when everything is set', () => {
    expect(missingEnvironment(['A'], { A: 'x' })).toEqual([]);
  });

  it('names the variables, never their values', () => {
    expect(missingEnvironmentError(['GITHUB_TOKEN']).message).toBe(
      'Missing required environment variable: GITHUB_TOKEN. The backend does not start without them ' +
        '(backend.requiredEnvironment; see README, Configuration).',
    );
    expect(missingEnvironmentError(['A', 'B']).message).toMatch(
      /^Missing required environment variables: A, B\./,
    );
  });
});
