/**
 * Redaction of stored prompts and completions: well-known secret shapes and emails are always replaced,
 * plus the patterns configured in `request_log.redact`. Only bodies are redacted; the row's other fields
 * are gateway-made and carry no client text beyond the tags.
 */

import { CREDENTIAL_PATTERNS, REDACTED } from '../../core/secrets.ts';

export { REDACTED } from '../../core/secrets.ts';

/** Always redacted in stored bodies: credentials (core/secrets.ts) and e-mail addresses. */
const BUILT_IN: readonly RegExp[] = [
  ...CREDENTIAL_PATTERNS,
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
