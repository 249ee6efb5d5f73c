/**
 * Redaction of stored prompts and completions: well-known secret shapes and emails are always replaced,
 * plus the patterns configured in `request_log.redact`. Only bodies are redacted; the row's other fields
 * are gateway-made and carry no client text beyond the tags.
 */

export const REDACTED = '[redacted]';

/** Characters that may continue a token: a match must not start in the middle of one (`task-…`). */
const NOT_AFTER_TOKEN = String.raw`(?<![A-Za-z0-9_-])`;

/**
 * Built-in patterns. Each is anchored at a token boundary so a long run of letters is scanned once, not
 * once per start position (the difference between linear and quadratic time on a large prompt).
 */
const BUILT_IN: readonly RegExp[] = [
  // OpenAI (`sk-…`, `sk-proj-…`) and Anthropic (`sk-ant-api03-…`) keys.
  new RegExp(`${NOT_AFTER_TOKEN}sk-(?:ant-)?[A-Za-z0-9_-]{16,}`, 'g'),
  // Google API keys.
  new RegExp(`${NOT_AFTER_TOKEN}AIza[A-Za-z0-9_-]{35}`, 'g'),
  // GitHub tokens and AWS access key ids: cheap to catch, expensive to leak.
  new RegExp(`${NOT_AFTER_TOKEN}gh[pousr]_[A-Za-z0-9]{36,}`, 'g'),
  new RegExp(`${NOT_AFTER_TOKEN}(?:AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Z])`, 'g'),
  // Bearer credentials: the scheme stays so the text still reads as what it was.
  /(?<=\bBearer\s+)[A-Za-z0-9._~+/-]+=*/gi,
  // Emails.
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g,
];

export type Redactor = (text: string) => string;

/**
 * Builds the redactor for the built-in patterns and `extraPatterns` (regular expression sources, as
 * validated by the config schema). Throws on an invalid source.
 */
export function createRedactor(extraPatterns: readonly string[]): Redactor {
  const patterns = [...BUILT_IN, ...extraPatterns.map((source) => new RegExp(source, 'g'))];
  return (text) => {
    let result = text;
    for (const pattern of patterns) result = result.replace(pattern, REDACTED);
    return result;
  };
}

/**
 * Redacts every string inside a JSON-like value (message contents, tool arguments…), returning a copy.
 * Object keys, numbers and booleans are kept; anything that is not a plain object or array is returned as is.
 */
export function redactValue(value: unknown, redact: Redactor): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item: unknown) => redactValue(item, redact));
  if (value !== null && typeof value === 'object' && isPlainObject(value)) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = redactValue(item, redact);
    return copy;
  }
  return value;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
