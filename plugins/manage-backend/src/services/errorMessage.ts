/** Longest error message stored for a source. */
const MAX_LENGTH = 500;

/**
 * What is stored and shown of a source's error: its message only (no stack, cause or response body), with anything
 * credential-like redacted, because the message is served to every reader of a team page.
 */
export function safeErrorMessage(error: unknown): string {
  const message =
    error instanceof Error
      ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`
      : String(error);
  const redacted = message
    .replace(/\b(bearer|basic|token)\s+[\w\-.~+/=]+/gi, '$1 <redacted>')
    .replace(
      /\b(access[_-]?token|token|secret|password|api[_-]?key|authorization|signature|credential)(["']?\s*[:=]\s*["']?)[^\s"'&,;]+/gi,
      '$1$2<redacted>',
    )
    .replace(/\/\/[^/\s:@]+:[^/\s@]+@/g, '//<redacted>@');
  return redacted.length > MAX_LENGTH
    ? `${redacted.slice(0, MAX_LENGTH - 1)}…`
    : redacted;
}
