/**
 * Anthropic error responses → catalogued `GatewayError`s (https://docs.claude.com/en/api/errors). The
 * error JSON is `{"type": "error", "error": {"type", "message"}, "request_id"}`, with the same id in the
 * `request-id` header; the same object arrives as an `event: error` inside a stream that already began.
 */

import { z } from 'zod';
import { GatewayError, type ErrorCode } from '../../core/errors.ts';
import {
  classifyHttpStatus,
  httpErrorMessage,
  MID_STREAM_ERROR_MESSAGE,
  parseErrorBody,
} from '../upstream-error.ts';
import type { ErrorOrigin } from '../error-origin.ts';
import { parseRetryAfterMs } from '../transport/retry-after.ts';

const anthropicErrorBodySchema = z.object({
  error: z.object({ type: z.string().nullish(), message: z.string().nullish() }),
  request_id: z.string().nullish(),
});

export interface UpstreamErrorInfo {
  /** Anthropic's error type: `invalid_request_error`, `overloaded_error`, … */
  readonly type: string | undefined;
  readonly message: string | undefined;
  readonly requestId: string | undefined;
}

/**
 * Kept as the error's cause: the catalogue has no field for an upstream request id, and it is what
 * Anthropic support asks for.
 */
export interface AnthropicErrorCause {
  readonly requestId: string;
}

/**
 * 400s that deserve their own code because another model may still succeed. Anthropic words a context
 * overflow as "prompt is too long: N tokens > M maximum" or, when `max_tokens` tips it over, "input
 * length and `max_tokens` exceed context limit: …".
 */
const CONTEXT_LENGTH_MESSAGE = /prompt is too long|exceed context limit/i;
/** Anthropic's streaming classifiers block output with this 400 (or mid-stream error event). */
const CONTENT_FILTER_MESSAGE = /content filtering policy/i;

/** The upstream's error fields, or undefined when the value is not an Anthropic-style error body. */
export function readErrorInfo(body: unknown): UpstreamErrorInfo | undefined {
  const parsed = anthropicErrorBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { error, request_id: requestId } = parsed.data;
  return {
    type: error.type ?? undefined,
    message: error.message ?? undefined,
    requestId: requestId ?? undefined,
  };
}

/** A non-2xx response → the catalogued error, keeping the upstream's status, type, message and wait. */
export function mapHttpError(
  status: number,
  headers: Readonly<Record<string, string>>,
  bodyText: string,
  origin: ErrorOrigin,
): GatewayError {
  const info = readErrorInfo(parseErrorBody(bodyText));
  const message = httpErrorMessage(info?.message, status, bodyText);
  const requestId = headers['request-id'] ?? info?.requestId;
  return new GatewayError(classifyHttpError(status, info), message, {
    upstreamStatus: status,
    upstreamCode: info?.type,
    retryAfterMs: parseRetryAfterMs(headers),
    provider: origin.provider,
    model: origin.model,
    cause: requestIdCause(requestId),
  });
}

/** An error object sent inside a 200 stream (`event: error`) → the catalogued error. */
export function mapStreamError(info: UpstreamErrorInfo, origin: ErrorOrigin): GatewayError {
  return new GatewayError(classifyErrorType(info), info.message ?? MID_STREAM_ERROR_MESSAGE, {
    upstreamCode: info.type,
    provider: origin.provider,
    model: origin.model,
    cause: requestIdCause(info.requestId),
  });
}

export function classifyHttpError(status: number, info: UpstreamErrorInfo | undefined): ErrorCode {
  switch (status) {
    // 402 billing_error (like 403 permission_error) is about the gateway's key, not the client's
    // request: the client cannot fix it, another provider may serve it.
    case 402:
      return 'upstream_auth_failed';
    // The body is over Anthropic's 32 MB limit (rejected at its edge, before the API): the client's
    // request is too large, and saying so with 413 tells it what to change.
    case 413:
      return 'payload_too_large';
    case 529:
      return 'upstream_overloaded';
    default: {
      const code = classifyHttpStatus(status);
      // Any 4xx without a meaning of its own may still be a context overflow or a filtered answer.
      return code === 'upstream_bad_request' ? (requestRejection(info) ?? code) : code;
    }
  }
}

/** Mid-stream errors have no status of their own; the error type carries the class. */
function classifyErrorType(info: UpstreamErrorInfo): ErrorCode {
  switch (info.type) {
    case 'invalid_request_error':
      return requestRejection(info) ?? 'upstream_bad_request';
    case 'authentication_error':
    case 'billing_error':
    case 'permission_error':
      return 'upstream_auth_failed';
    case 'not_found_error':
      return 'upstream_not_found';
    case 'request_too_large':
      return 'payload_too_large';
    case 'rate_limit_error':
      return 'upstream_rate_limited';
    case 'timeout_error':
      return 'upstream_timeout';
    case 'overloaded_error':
      return 'upstream_overloaded';
    default:
      return 'upstream_server_error'; // api_error and any type added later
  }
}

function requestRejection(info: UpstreamErrorInfo | undefined): ErrorCode | undefined {
  const message = info?.message;
  if (message === undefined) return undefined;
  if (CONTEXT_LENGTH_MESSAGE.test(message)) return 'context_length_exceeded';
  if (CONTENT_FILTER_MESSAGE.test(message)) return 'content_filtered';
  return undefined;
}

function requestIdCause(requestId: string | undefined): AnthropicErrorCause | undefined {
  return requestId === undefined ? undefined : { requestId };
}
