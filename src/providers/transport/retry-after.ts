/**
 * How long an upstream asked us to wait, from its response headers. `retry-after-ms` (OpenAI's and
 * Azure's millisecond form) is preferred for its precision; then `retry-after`, which per RFC 9110 §10.2.3
 * is either delay-seconds or an HTTP-date. Returns undefined when neither is present or parseable.
 */
export function parseRetryAfterMs(
  headers: Readonly<Record<string, string>>,
  now: number = Date.now(),
): number | undefined {
  const milliseconds = parseNonNegative(headers['retry-after-ms']);
  if (milliseconds !== undefined) return Math.ceil(milliseconds);
  const retryAfter = headers['retry-after']?.trim();
  if (retryAfter === undefined || retryAfter.length === 0) return undefined;
  const seconds = parseNonNegative(retryAfter);
  if (seconds !== undefined) return Math.ceil(seconds * 1000);
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function parseNonNegative(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  // `Number('')` is 0 and `Number('1e3')` is 1000: accept only plain decimal figures.
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return undefined;
  return Number(trimmed);
}
