/**
 * The error catalogue: every failure the gateway reports has one stable code, mapped here once to its
 * HTTP status, its type in each client error shape, whether another attempt may succeed, and how loudly
 * to log it. `Record<ErrorCode, …>` makes the compiler reject a code without a mapping.
 */

export type ErrorCode =
  // The client's request is wrong.
  | 'invalid_request'
  | 'invalid_json'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'model_not_found'
  | 'route_not_found'
  | 'request_not_found'
  | 'unsupported_parameter'
  | 'no_eligible_target'
  | 'context_length_exceeded'
  | 'content_filtered'
  // An upstream failed; these are the retry classes.
  | 'upstream_rate_limited'
  | 'upstream_overloaded'
  | 'upstream_server_error'
  | 'upstream_unavailable'
  | 'upstream_timeout'
  | 'upstream_connection_failed'
  | 'upstream_bad_response'
  | 'upstream_auth_failed'
  | 'upstream_bad_request'
  | 'upstream_not_found'
  | 'stream_truncated'
  | 'circuit_open'
  | 'capacity_exhausted'
  // Answers came back but none passed verification within the request's budget.
  | 'answer_rejected'
  // The gateway itself.
  | 'deadline_exceeded'
  | 'client_closed_request'
  | 'internal_error';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface ErrorSpec {
  readonly httpStatus: number;
  /** `error.type` in OpenAI's error JSON. */
  readonly openaiType:
    | 'invalid_request_error'
    | 'authentication_error'
    | 'rate_limit_error'
    | 'server_error'
    | 'api_error'
    | 'not_found_error';
  /** `error.type` in Anthropic's error JSON. */
  readonly anthropicType:
    | 'invalid_request_error'
    | 'authentication_error'
    | 'permission_error'
    | 'not_found_error'
    | 'request_too_large'
    | 'rate_limit_error'
    | 'api_error'
    | 'overloaded_error'
    | 'timeout_error';
  /** May another attempt (same or next target) succeed? */
  readonly retryable: boolean;
  /** Retrying the same model cannot help, but another target might (a larger window, another vendor). */
  readonly tryNextTarget: boolean;
  readonly logLevel: LogLevel;
}

export const ERROR_CATALOGUE: Readonly<Record<ErrorCode, ErrorSpec>> = {
  invalid_request: spec(400, 'invalid_request_error', 'invalid_request_error', false, false, 'info'),
  invalid_json: spec(400, 'invalid_request_error', 'invalid_request_error', false, false, 'info'),
  payload_too_large: spec(413, 'invalid_request_error', 'request_too_large', false, false, 'info'),
  unsupported_media_type: spec(415, 'invalid_request_error', 'invalid_request_error', false, false, 'info'),
  model_not_found: spec(404, 'invalid_request_error', 'not_found_error', false, false, 'info'),
  route_not_found: spec(404, 'invalid_request_error', 'not_found_error', false, false, 'info'),
  // Another target may carry the feature this one lacks.
  request_not_found: spec(404, 'invalid_request_error', 'not_found_error', false, false, 'info'),
  unsupported_parameter: spec(400, 'invalid_request_error', 'invalid_request_error', false, true, 'info'),
  // The route's filters left nothing (required compliance tags): a routing fact, not a malformed request.
  no_eligible_target: spec(422, 'invalid_request_error', 'invalid_request_error', false, false, 'info'),
  context_length_exceeded: spec(400, 'invalid_request_error', 'invalid_request_error', false, true, 'info'),
  content_filtered: spec(400, 'invalid_request_error', 'invalid_request_error', false, true, 'info'),
  upstream_rate_limited: spec(429, 'rate_limit_error', 'rate_limit_error', true, true, 'warn'),
  upstream_overloaded: spec(529, 'server_error', 'overloaded_error', true, true, 'warn'),
  upstream_server_error: spec(502, 'server_error', 'api_error', true, true, 'warn'),
  upstream_unavailable: spec(503, 'server_error', 'api_error', true, true, 'warn'),
  upstream_timeout: spec(504, 'server_error', 'timeout_error', true, true, 'warn'),
  upstream_connection_failed: spec(502, 'server_error', 'api_error', true, true, 'warn'),
  upstream_bad_response: spec(502, 'server_error', 'api_error', true, true, 'warn'),
  upstream_auth_failed: spec(502, 'api_error', 'api_error', false, true, 'error'),
  upstream_bad_request: spec(400, 'invalid_request_error', 'invalid_request_error', false, false, 'info'),
  upstream_not_found: spec(502, 'api_error', 'api_error', false, true, 'error'),
  // The deployment's circuit is open: not called at all, so another target is the only way forward.
  circuit_open: spec(503, 'server_error', 'overloaded_error', false, true, 'warn'),
  // A target's throttled gate is full (or its rpm/tpm spent): another target may have room; Retry-After says when this one will.
  capacity_exhausted: spec(429, 'rate_limit_error', 'rate_limit_error', false, true, 'warn'),
  // A cascade spent its cost budget on answers its verifiers rejected.
  answer_rejected: spec(502, 'server_error', 'api_error', false, false, 'warn'),
  stream_truncated: spec(502, 'server_error', 'api_error', true, true, 'warn'),
  deadline_exceeded: spec(504, 'server_error', 'timeout_error', false, false, 'warn'),
  client_closed_request: spec(499, 'invalid_request_error', 'invalid_request_error', false, false, 'info'),
  internal_error: spec(500, 'server_error', 'api_error', false, false, 'error'),
};

function spec(
  httpStatus: number,
  openaiType: ErrorSpec['openaiType'],
  anthropicType: ErrorSpec['anthropicType'],
  retryable: boolean,
  tryNextTarget: boolean,
  logLevel: LogLevel,
): ErrorSpec {
  return { httpStatus, openaiType, anthropicType, retryable, tryNextTarget, logLevel };
}

export interface GatewayErrorDetails {
  /** The request field at fault, as a path (`messages[2].content`). */
  readonly param?: string;
  /** How long the upstream asked us to wait before retrying. */
  readonly retryAfterMs?: number;
  /** The upstream's HTTP status, when an upstream answered. */
  readonly upstreamStatus?: number;
  /** Which provider and model the failure came from. */
  readonly provider?: string;
  readonly model?: string;
  /** The upstream's own error code or type, kept verbatim. */
  readonly upstreamCode?: string;
  readonly cause?: unknown;
}

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly code: ErrorCode;
  readonly details: GatewayErrorDetails;

  constructor(code: ErrorCode, message: string, details: GatewayErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.details = details;
  }

  get spec(): ErrorSpec {
    return ERROR_CATALOGUE[this.code];
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}

/** One failed attempt, as kept in an aggregate error and the request record. */
export interface AttemptFailure {
  readonly target: string;
  readonly provider: string;
  readonly code: ErrorCode;
  readonly upstreamStatus: number | undefined;
  readonly message: string;
  readonly durationMs: number;
}

/**
 * Every attempt failed. The client sees the last attempt's class (its status and type), and the message
 * lists every attempt so nothing about the failure is hidden.
 */
export class AllAttemptsFailedError extends GatewayError {
  readonly attempts: readonly AttemptFailure[];

  constructor(last: GatewayError, attempts: readonly AttemptFailure[]) {
    const summary = attempts
      .map(
        (a) =>
          `${a.target}: ${a.code}${a.upstreamStatus === undefined ? '' : ` (${a.upstreamStatus})`} after ${Math.round(a.durationMs)} ms`,
      )
      .join('; ');
    super(last.code, `All ${attempts.length} attempt(s) failed. ${summary}. Last error: ${last.message}`, {
      ...last.details,
      cause: last,
    });
    this.attempts = attempts;
  }
}

/** Wrap anything thrown into a catalogued error, so nothing leaves the gateway uncoded. */
export function toGatewayError(value: unknown): GatewayError {
  if (value instanceof GatewayError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new GatewayError('internal_error', message, { cause: value });
}
