/**
 * One end-to-end deadline per request: the route's `deadline_ms`, or the client's
 * `x-switchyard-deadline-ms` header. It bounds every attempt, retry wait and fallback together — each
 * attempt gets what remains — and, for streams, the answer as a whole.
 */

import type { ServerResponse } from 'node:http';
import { linkedTimeout } from '../core/abort.ts';
import { GatewayError } from '../core/errors.ts';

export const DEADLINE_HEADER = 'x-switchyard-deadline-ms';
/** The longest deadline a client may ask for: an hour. */
const MAX_DEADLINE_MS = 3_600_000;

/** The client's deadline header, validated; undefined when absent. */
export function requestedDeadlineMs(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): number | undefined {
  const raw = headers[DEADLINE_HEADER];
  if (raw === undefined) return undefined;
  const text = Array.isArray(raw) ? raw[0] : raw;
  const value = Number(text);
  if (text === undefined || !/^\d+$/.test(text.trim()) || value < 1 || value > MAX_DEADLINE_MS) {
    throw new GatewayError(
      'invalid_request',
      `Header '${DEADLINE_HEADER}' must be a whole number of milliseconds between 1 and ${MAX_DEADLINE_MS}, got '${String(text)}'.`,
      { param: DEADLINE_HEADER },
    );
  }
  return value;
}

/** The request's signal with its deadline: aborts with `deadline_exceeded` when `deadlineMs` has passed. */
export function withDeadline(
  clientSignal: AbortSignal,
  deadlineMs: number,
  response: ServerResponse,
): AbortSignal {
  const deadline = linkedTimeout(
    clientSignal,
    deadlineMs,
    () =>
      new GatewayError(
        'deadline_exceeded',
        `The request's deadline of ${deadlineMs} ms passed before it was answered.`,
      ),
  );
  response.once('close', deadline.clear);
  return deadline.signal;
}
