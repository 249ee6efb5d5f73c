/**
 * One end-to-end deadline per request: the route's `deadline_ms`, or the client's
 * `x-switchyard-deadline-ms` header. It bounds every attempt, retry wait and fallback together — each
 * attempt gets what remains — and, for streams, the answer as a whole. The same signal carries the
 * client's disconnect.
 */

import type { ServerResponse } from 'node:http';
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

/**
 * The request's one signal: it aborts with `client_closed_request` when the client goes away before the
 * response is complete, or with `deadline_exceeded` when `deadlineMs` has passed, whichever comes first.
 * Every upstream call made for the request is cancelled with it. One controller serves both (rather than
 * a deadline signal linked to a client-close signal): this runs for every request.
 */
export function requestSignal(response: ServerResponse, deadlineMs: number): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(
      new GatewayError(
        'deadline_exceeded',
        `The request's deadline of ${deadlineMs} ms passed before it was answered.`,
      ),
    );
  }, deadlineMs);
  response.once('close', () => {
    clearTimeout(timer);
    if (!response.writableFinished) {
      controller.abort(
        new GatewayError(
          'client_closed_request',
          'The client closed the connection before the response was complete.',
        ),
      );
    }
  });
  return controller.signal;
}
