/**
 * The checks the hot-path readers of streamed JSON (read-chunk, read-event, read-response) are built
 * from: lenient (null and absent are the same; unknown fields pass) and allocation-free, so a parsed
 * value can be returned typed as it is, without a schema library's copy.
 */

export type JsonFields = Record<string, unknown>;

export const isAbsent = (value: unknown): value is null | undefined => value === null || value === undefined;

/** A JSON object: not null, not an array. */
export const isObject = (value: unknown): value is JsonFields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Absent (null or missing) or of the given primitive type. */
export const optional = (value: unknown, type: 'string' | 'number' | 'boolean'): boolean =>
  isAbsent(value) || typeof value === type;
