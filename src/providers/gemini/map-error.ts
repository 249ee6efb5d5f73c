/**
 * Gemini error responses → catalogued `GatewayError`s. The body is Google's standard error
 * (https://ai.google.dev/gemini-api/docs/troubleshooting): `{"error": {"code", "message", "status",
 * "details": [...]}}`, where `status` is the google.rpc code name and `details` may hold a
 * `google.rpc.RetryInfo` (`retryDelay: "7s"`) and a `google.rpc.ErrorInfo` (`reason`).
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

export interface GeminiErrorInfo {
  /** The HTTP status Google means (inside a stream it differs from the response's 200). */
  readonly code: number | undefined;
  readonly message: string | undefined;
  /** The google.rpc code name: INVALID_ARGUMENT, RESOURCE_EXHAUSTED, … */
  readonly status: string | undefined;
  /** `google.rpc.ErrorInfo.reason`, e.g. API_KEY_INVALID. */
  readonly reason: string | undefined;
  /** `google.rpc.RetryInfo.retryDelay`, in milliseconds. */
  readonly retryDelayMs: number | undefined;
}

const errorBodySchema = z.object({
  error: z.object({
    code: z.number().nullish(),
    message: z.string().nullish(),
    status: z.string().nullish(),
    details: z.array(z.unknown()).nullish(),
  }),
});

const retryInfoSchema = z.object({ '@type': z.string(), retryDelay: z.string() });
const errorInfoSchema = z.object({ '@type': z.string(), reason: z.string() });

/** Gemini's wording for a prompt over the model's input limit (an INVALID_ARGUMENT like any other). */
const CONTEXT_LENGTH_MESSAGE = /input token count.*exceeds the maximum number of tokens/i;
/** An invalid key is a 400 INVALID_ARGUMENT on Gemini, not a 401. */
const INVALID_KEY_MESSAGE = /API key (not valid|expired)/i;

/** The error's fields, or undefined when the value is not a Google error body. */
export function readErrorInfo(body: unknown): GeminiErrorInfo | undefined {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { error } = parsed.data;
  let reason: string | undefined;
  let retryDelayMs: number | undefined;
  for (const detail of error.details ?? []) {
    const retryInfo = retryInfoSchema.safeParse(detail);
    if (retryInfo.success && retryInfo.data['@type'].endsWith('google.rpc.RetryInfo')) {
      retryDelayMs ??= parseDurationMs(retryInfo.data.retryDelay);
    }
    const errorInfo = errorInfoSchema.safeParse(detail);
    if (errorInfo.success && errorInfo.data['@type'].endsWith('google.rpc.ErrorInfo')) {
      reason ??= errorInfo.data.reason;
    }
  }
  return {
    code: error.code ?? undefined,
    message: error.message ?? undefined,
    status: error.status ?? undefined,
    reason,
    retryDelayMs,
  };
}

/** A protobuf Duration in its JSON form (`"7s"`, `"0.250s"`) → milliseconds. */
export function parseDurationMs(duration: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)s$/.exec(duration.trim());
  return match === null ? undefined : Math.ceil(Number(match[1]) * 1000);
}

/** A non-2xx response → the catalogued error, keeping Google's message, status name and retry delay. */
export function mapHttpError(
  status: number,
  headers: Readonly<Record<string, string>>,
  bodyText: string,
  origin: ErrorOrigin,
): GatewayError {
  const info = readErrorInfo(parseErrorBody(bodyText));
  const message = httpErrorMessage(info?.message, status, bodyText);
  return new GatewayError(classifyError(status, info), message, {
    upstreamStatus: status,
    upstreamCode: info?.status ?? info?.reason,
    // Google's own RetryInfo is the precise figure; a Retry-After header (from a proxy) is the fallback.
    retryAfterMs: info?.retryDelayMs ?? parseRetryAfterMs(headers),
    provider: origin.provider,
    model: origin.model,
  });
}

/** An `{"error": …}` object sent inside a 200 body (a stream event) → the catalogued error. */
export function mapStreamError(info: GeminiErrorInfo, origin: ErrorOrigin): GatewayError {
  const status = info.code !== undefined && info.code >= 400 && info.code < 600 ? info.code : undefined;
  // With neither a code nor a status name the failure is Google's, mid-answer: a server error.
  const code =
    status === undefined && info.status === undefined
      ? 'upstream_server_error'
      : classifyError(status ?? 500, info);
  return new GatewayError(code, info.message ?? MID_STREAM_ERROR_MESSAGE, {
    upstreamStatus: status,
    upstreamCode: info.status ?? info.reason,
    retryAfterMs: info.retryDelayMs,
    provider: origin.provider,
    model: origin.model,
  });
}

/** The google.rpc status name decides when present; the HTTP status otherwise. */
export function classifyError(httpStatus: number, info: GeminiErrorInfo | undefined): ErrorCode {
  switch (info?.status) {
    case 'INVALID_ARGUMENT':
      return invalidArgument(info);
    // The account cannot use the API as set up (region, billing): like bad credentials, this provider
    // cannot serve the request, while another may.
    case 'FAILED_PRECONDITION':
    case 'UNAUTHENTICATED':
    case 'PERMISSION_DENIED':
      return 'upstream_auth_failed';
    case 'NOT_FOUND':
      return 'upstream_not_found';
    case 'RESOURCE_EXHAUSTED':
      return 'upstream_rate_limited';
    case 'INTERNAL':
      return 'upstream_server_error';
    case 'UNAVAILABLE':
      return 'upstream_unavailable';
    case 'DEADLINE_EXCEEDED':
      return 'upstream_timeout';
    default:
      return classifyByHttpStatus(httpStatus, info);
  }
}

function invalidArgument(info: GeminiErrorInfo): ErrorCode {
  if (info.message !== undefined && CONTEXT_LENGTH_MESSAGE.test(info.message))
    return 'context_length_exceeded';
  if (
    info.reason === 'API_KEY_INVALID' ||
    (info.message !== undefined && INVALID_KEY_MESSAGE.test(info.message))
  ) {
    return 'upstream_auth_failed';
  }
  return 'upstream_bad_request';
}

/** No status name this reads: the HTTP status decides, and a 4xx about the request reads like INVALID_ARGUMENT. */
function classifyByHttpStatus(status: number, info: GeminiErrorInfo | undefined): ErrorCode {
  switch (status) {
    case 400:
    case 413:
    case 422:
      return info === undefined ? 'upstream_bad_request' : invalidArgument(info);
    default:
      return classifyHttpStatus(status);
  }
}
