/**
 * OpenAI error responses → catalogued `GatewayError`s. The error JSON is
 * `{"error": {"message", "type", "param", "code"}}` (OpenAI, Azure, vLLM, Groq, …); some compatible
 * servers send `{"error": "text"}` or a numeric `code`, which the lenient schema also accepts.
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

const errorObjectSchema = z.object({
  message: z.string().nullish(),
  type: z.string().nullish(),
  code: z.union([z.string(), z.number()]).nullish(),
  param: z.string().nullish(),
});

export const openAIErrorBodySchema = z.object({ error: z.union([errorObjectSchema, z.string()]) });

export interface UpstreamErrorInfo {
  readonly message: string | undefined;
  readonly type: string | undefined;
  readonly code: string | undefined;
  readonly param: string | undefined;
}

const CONTENT_FILTER_CODES: ReadonlySet<string> = new Set(['content_filter', 'content_policy_violation']);
const RATE_LIMIT_CODES: ReadonlySet<string> = new Set([
  'rate_limit_exceeded',
  'rate_limit_error',
  'requests',
  'tokens',
]);
/** vLLM and llama.cpp word context overflows this way without OpenAI's `code`. */
const CONTEXT_LENGTH_MESSAGE =
  /maximum context length|context length exceeded|exceeds the context (window|size)/i;

/** The upstream's error fields, or undefined when the value is not an OpenAI-style error body. */
export function readErrorInfo(body: unknown): UpstreamErrorInfo | undefined {
  const parsed = openAIErrorBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { error } = parsed.data;
  if (typeof error === 'string')
    return { message: error, type: undefined, code: undefined, param: undefined };
  return {
    message: error.message ?? undefined,
    type: error.type ?? undefined,
    code: error.code === null || error.code === undefined ? undefined : String(error.code),
    param: error.param ?? undefined,
  };
}

/** A non-2xx response → the catalogued error, keeping the provider's message, status and code. */
export function mapHttpError(
  status: number,
  headers: Readonly<Record<string, string>>,
  bodyText: string,
  origin: ErrorOrigin,
): GatewayError {
  const info = readErrorInfo(parseErrorBody(bodyText));
  const message = httpErrorMessage(info?.message, status, bodyText);
  return new GatewayError(classifyHttpError(status, info), message, {
    upstreamStatus: status,
    upstreamCode: info?.code ?? info?.type,
    param: info?.param,
    retryAfterMs: parseRetryAfterMs(headers),
    provider: origin.provider,
    model: origin.model,
  });
}

/** An `{"error": …}` object sent inside a 200 stream → the catalogued error. */
export function mapStreamError(info: UpstreamErrorInfo, origin: ErrorOrigin): GatewayError {
  // vLLM puts the HTTP status it would have used in `code`.
  const numericCode = info.code === undefined ? Number.NaN : Number(info.code);
  const status = numericCode >= 400 && numericCode < 600 ? numericCode : undefined;
  const code = status === undefined ? classifyStreamError(info) : classifyHttpError(status, info);
  return new GatewayError(code, info.message ?? MID_STREAM_ERROR_MESSAGE, {
    upstreamStatus: status,
    upstreamCode: info.code ?? info.type,
    param: info.param,
    provider: origin.provider,
    model: origin.model,
  });
}

export function classifyHttpError(status: number, info: UpstreamErrorInfo | undefined): ErrorCode {
  switch (status) {
    case 400:
    case 413:
    case 422:
      return requestRejection(info) ?? 'upstream_bad_request';
    case 529:
      return 'upstream_overloaded';
    default:
      return classifyHttpStatus(status);
  }
}

function classifyStreamError(info: UpstreamErrorInfo): ErrorCode {
  const specific = requestRejection(info);
  if (specific !== undefined) return specific;
  const kind = info.code ?? info.type;
  if (kind !== undefined && RATE_LIMIT_CODES.has(kind)) return 'upstream_rate_limited';
  if (info.type === 'invalid_request_error') return 'upstream_bad_request';
  if (kind === 'overloaded' || kind === 'overloaded_error') return 'upstream_overloaded';
  return 'upstream_server_error';
}

/** The request-level rejections that deserve their own code: another model may still succeed. */
function requestRejection(info: UpstreamErrorInfo | undefined): ErrorCode | undefined {
  if (info === undefined) return undefined;
  if (info.code === 'context_length_exceeded') return 'context_length_exceeded';
  if (info.code !== undefined && CONTENT_FILTER_CODES.has(info.code)) return 'content_filtered';
  if (info.message !== undefined && CONTEXT_LENGTH_MESSAGE.test(info.message))
    return 'context_length_exceeded';
  return undefined;
}
