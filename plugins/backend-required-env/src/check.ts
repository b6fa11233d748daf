/**
 * The names in `required` that are unset or empty in `env` (an empty secret is as missing as an absent one).
 *
 * @public
 */
export function missingEnvironment(
  required: readonly string[],
  env: Record<string, string | undefined>,
): string[] {
  return required.filter(name => !env[name]?.trim());
}

/**
 * The start-up error for missing variables; names only, never values.
 *
 * @public
 */
export function missingEnvironmentError(missing: string[]) {
  return new Error(
    `Missing required environment variable${
      missing.length > 1 ? 's' : ''
    }: ${missing.join(', ')}. ` +
      'The backend does not start without them (backend.requiredEnvironment; see README, Configuration).',
  );
}
