/**
 * What every wire format reads the same way in an upstream failure: the error body, its message, and
 * what a bare HTTP status means. Each format's map-error.ts adds what its own error JSON says.
 */

import type { ErrorCode } from '../core/errors.ts';

/** Longest slice of a non-JSON error body kept as the message. */
const MAX_RAW_MESSAGE_CHARS = 500;

/** The message of an error reported inside a stream without one. */
export const MID_STREAM_ERROR_MESSAGE = 'The upstream reported an error in the middle of the stream';

/** The body as JSON, or undefined when it is not JSON (a proxy's HTML page, plain text, nothing). */
export function parseErrorBody(bodyText: string): unknown {
  try {
    return JSON.parse(bodyText) as unknown;
  } catch {
    return undefined;
  }
}

/** The upstream's own message, else the start of a body the format could not read, else the status. */
export function httpErrorMessage(
  upstreamMessage: string | undefined,
  status: number,
  bodyText: string,
): string {
  if (upstreamMessage !== undefined) return upstreamMessage;
  return bodyText.trim().length > 0
    ? bodyText.slice(0, MAX_RAW_MESSAGE_CHARS)
    : `The upstream returned HTTP ${status}`;
}

/**
 * What an HTTP status means when the body adds nothing. Formats decide the statuses they give their own
 * meaning (a 400's reason, 413, 529) before asking this.
 */
export function classifyHttpStatus(status: number): ErrorCode {
  switch (status) {
    case 401:
    case 403:
      return 'upstream_auth_failed';
    case 404:
      return 'upstream_not_found';
    case 408:
    case 504:
      return 'upstream_timeout';
    case 429:
      return 'upstream_rate_limited';
    case 502:
    case 503:
      return 'upstream_unavailable';
    default:
      if (status >= 500) return 'upstream_server_error';
      if (status >= 400) return 'upstream_bad_request';
      return 'upstream_bad_response'; // a 1xx/3xx where a final answer was expected
  }
}
