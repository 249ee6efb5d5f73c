/**
 * Credential shapes that must never leave the gateway in a message, a log line or a stored row — an
 * upstream that quotes the key it was sent back in its error text is the usual way they would.
 */

export const REDACTED = '[redacted]';

/** Characters that may continue a token: a match must not start in the middle of one (`task-…`). */
const NOT_AFTER_TOKEN = String.raw`(?<![A-Za-z0-9_-])`;

/**
 * Each pattern is anchored at a token boundary so a long run of letters is scanned once, not once per
 * start position (the difference between linear and quadratic time on a large text).
 */
export const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  // OpenAI (`sk-…`, `sk-proj-…`) and Anthropic (`sk-ant-api03-…`) keys.
  new RegExp(`${NOT_AFTER_TOKEN}sk-(?:ant-)?[A-Za-z0-9_-]{16,}`, 'g'),
  // Google API keys.
  new RegExp(`${NOT_AFTER_TOKEN}AIza[A-Za-z0-9_-]{35}`, 'g'),
  // GitHub tokens and AWS access key ids: cheap to catch, expensive to leak.
  new RegExp(`${NOT_AFTER_TOKEN}gh[pousr]_[A-Za-z0-9]{36,}`, 'g'),
  new RegExp(`${NOT_AFTER_TOKEN}(?:AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Z])`, 'g'),
  // Bearer credentials: the scheme stays so the text still reads as what it was.
  /(?<=\bBearer\s+)[A-Za-z0-9._~+/-]+=*/gi,
];

/** `text` with the known secrets (a provider's own key) and every credential shape replaced. */
export function scrubCredentials(text: string, knownSecrets: readonly string[] = []): string {
  let result = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 8) result = result.replaceAll(secret, REDACTED);
  }
  for (const pattern of CREDENTIAL_PATTERNS) result = result.replace(pattern, REDACTED);
  return result;
}
