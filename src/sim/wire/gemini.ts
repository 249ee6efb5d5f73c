/**
 * The Gemini API wire format (https://ai.google.dev/api/generate-content): `POST
 * /v1beta/models/{model}:generateContent`, and `:streamGenerateContent?alt=sse` for server-sent events,
 * with Google's `{"error": {"code", "message", "status", "details"}}` errors.
 *
 * Choices where Gemini differs from the other formats:
 * - A stream has no end marker: the last event carries `finishReason` and the final `usageMetadata`. So
 *   the generic `missing_done` fault, which drops the end marker, leaves a Gemini stream whole (as it
 *   leaves a non-streamed body); a stream with no finish is what `stream_truncate` produces.
 * - Gemini gives function calls no ids and sends each call whole in one event, with finish `STOP`.
 * - `content_policy` is what Gemini really does with a blocked prompt: HTTP 200 with
 *   `promptFeedback.blockReason` and no candidates. It is always a JSON body, also for a stream request
 *   (the error path does not know the mode), where Google would send the same object as one SSE event.
 * - `streamGenerateContent` without `alt=sse` gets one JSON object here; Google sends a JSON array of
 *   pieces, which no client asks for.
 */

import type {
  EncodedError,
  SimCompletion,
  SimError,
  SimFinishReason,
  SimResponseMeta,
  SimStreamEvent,
  SimWireFormat,
} from '../types.ts';
import { decodeGeminiRequest } from './gemini-request.ts';

const GENERATE_PATH = /^\/(?:v1|v1beta)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;
const EVENT_END = '\r\n\r\n';

const FINISH_REASONS: Readonly<Record<SimFinishReason, string>> = {
  stop: 'STOP',
  length: 'MAX_TOKENS',
  // Gemini has no tool-call finish reason: a turn that calls functions ends with STOP.
  tool_calls: 'STOP',
};

function usageJson(completion: SimCompletion): string {
  const { promptTokens, completionTokens } = completion;
  return JSON.stringify({
    promptTokenCount: promptTokens,
    candidatesTokenCount: completionTokens,
    totalTokenCount: promptTokens + completionTokens,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }],
  });
}

/** Answer parts as JSON texts: text steps joined into one part, each tool call as one `functionCall`. */
function answerParts(completion: SimCompletion): { text: string; calls: string[] } {
  let text = '';
  const calls: { name: string; args: string }[] = [];
  for (const step of completion.steps) {
    if (step.kind === 'text') text += step.text;
    else if (step.kind === 'tool-start') calls[step.index] = { name: step.name, args: '' };
    else {
      const call = calls[step.index];
      if (call !== undefined) call.args += step.text;
    }
  }
  const encoded: string[] = [];
  for (const call of calls) {
    const part = call === undefined ? undefined : functionCallPart(call.name, call.args);
    if (part !== undefined) encoded.push(part);
  }
  return { text, calls: encoded };
}

/** A whole `functionCall` part, or undefined when the arguments were cut short (no valid object). */
function functionCallPart(name: string, argumentsText: string): string | undefined {
  try {
    const args: unknown = JSON.parse(argumentsText.length === 0 ? '{}' : argumentsText);
    return JSON.stringify({ functionCall: { name, args } });
  } catch {
    return undefined;
  }
}

export function encodeGeminiResponse(meta: SimResponseMeta, completion: SimCompletion): string {
  const { text, calls } = answerParts(completion);
  const parts = calls.length > 0 ? calls.join(',') : JSON.stringify({ text });
  return (
    `{"candidates":[{"content":{"parts":[${parts}],"role":"model"},` +
    `"finishReason":"${FINISH_REASONS[completion.finishReason]}","index":0}],` +
    `"usageMetadata":${usageJson(completion)},` +
    `"modelVersion":${JSON.stringify(meta.model)},"responseId":${JSON.stringify(meta.id)}}`
  );
}

export function encodeGeminiStream(
  meta: SimResponseMeta,
  completion: SimCompletion,
  _includeUsage: boolean,
): SimStreamEvent[] {
  // Every event shares its envelope; only the parts differ, so it is built once.
  const prefix = 'data: {"candidates":[{"content":{"parts":[';
  const identity = `"modelVersion":${JSON.stringify(meta.model)},"responseId":${JSON.stringify(meta.id)}}${EVENT_END}`;
  // Pieces before the last carry the prompt's count only, as Google's do.
  const runningUsage = `"usageMetadata":{"promptTokenCount":${completion.promptTokens},"totalTokenCount":${completion.promptTokens}},`;
  const piece = (partJson: string): string =>
    `${prefix}${partJson}],"role":"model"},"index":0}],${runningUsage}${identity}`;

  const events: SimStreamEvent[] = [];
  let pendingCall: { name: string; args: string } | undefined;
  const flushCall = (): void => {
    const part = pendingCall === undefined ? undefined : functionCallPart(pendingCall.name, pendingCall.args);
    if (part !== undefined) events.push({ kind: 'token', text: piece(part) });
    pendingCall = undefined;
  };
  for (const step of completion.steps) {
    if (step.kind === 'text')
      events.push({ kind: 'token', text: piece(JSON.stringify({ text: step.text })) });
    else if (step.kind === 'tool-start') {
      flushCall();
      pendingCall = { name: step.name, args: '' };
    } else if (pendingCall !== undefined) pendingCall.args += step.text;
  }
  flushCall();
  events.push({
    kind: 'tail',
    text:
      `${prefix}{"text":""}],"role":"model"},"finishReason":"${FINISH_REASONS[completion.finishReason]}",` +
      `"index":0}],"usageMetadata":${usageJson(completion)},${identity}`,
  });
  return events;
}

/** Drop the end of the event's JSON so no parser can accept it, keeping the SSE framing intact. */
export function corruptGeminiEvent(text: string): string {
  const payload = text.endsWith(EVENT_END) ? text.slice(0, -EVENT_END.length) : text;
  return `${payload.slice(0, Math.max('data: '.length + 1, payload.length - 5))}${EVENT_END}`;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=UTF-8' };

function googleError(
  code: number,
  status: string,
  message: string,
  details?: readonly object[],
  headers: Readonly<Record<string, string>> = JSON_HEADERS,
): EncodedError {
  const error = details === undefined ? { code, message, status } : { code, message, status, details };
  return { status: code, headers, body: JSON.stringify({ error }) };
}

function rateLimitError(model: string, retryAfterSeconds: number | undefined): EncodedError {
  const metric = 'generativelanguage.googleapis.com/generate_content_paid_tier_requests';
  let message =
    'You exceeded your current quota, please check your plan and billing details. For more information ' +
    'on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.';
  const details: object[] = [
    {
      '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
      violations: [
        {
          quotaMetric: metric,
          quotaId: 'GenerateRequestsPerMinutePerProjectPerModel',
          quotaDimensions: { location: 'global', model },
          quotaValue: '60',
        },
      ],
    },
    {
      '@type': 'type.googleapis.com/google.rpc.Help',
      links: [
        {
          description: 'Learn more about Gemini API quotas',
          url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
        },
      ],
    },
  ];
  const headers: Record<string, string> = { ...JSON_HEADERS };
  if (retryAfterSeconds !== undefined) {
    message += ` Please retry in ${retryAfterSeconds}s.`;
    details.push({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: `${retryAfterSeconds}s`,
    });
    headers['retry-after'] = String(retryAfterSeconds);
  }
  return googleError(429, 'RESOURCE_EXHAUSTED', message, details, headers);
}

export function encodeGeminiError(error: SimError): EncodedError {
  switch (error.kind) {
    case 'invalid_request':
      return googleError(400, 'INVALID_ARGUMENT', error.message);
    case 'not_found':
      return googleError(404, 'NOT_FOUND', error.message);
    case 'payload_too_large':
      return googleError(
        400,
        'INVALID_ARGUMENT',
        `Request payload size exceeds the limit: ${error.limitBytes} bytes.`,
      );
    case 'rate_limit':
      return rateLimitError(error.model, error.retryAfterSeconds);
    case 'server_error':
      return googleError(
        500,
        'INTERNAL',
        'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
      );
    case 'unavailable':
      return googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
    case 'context_length_exceeded': {
      // Gemini limits input alone; the room the requested output leaves is what the input exceeded.
      const allowed = Math.max(0, error.contextWindow - (error.completionTokens ?? 0));
      return googleError(
        400,
        'INVALID_ARGUMENT',
        `The input token count (${error.promptTokens}) exceeds the maximum number of tokens allowed (${allowed}).`,
      );
    }
    case 'content_policy':
      return {
        status: 200,
        headers: JSON_HEADERS,
        body: JSON.stringify({
          promptFeedback: {
            blockReason: 'SAFETY',
            safetyRatings: [
              { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
              { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' },
              { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
              { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
            ],
          },
        }),
      };
  }
}

export const GEMINI_WIRE: SimWireFormat = {
  name: 'gemini',
  // Gemini response ids carry no prefix.
  responseIdPrefix: '',
  matchGenerate(method, path, search) {
    if (method !== 'POST') return undefined;
    const match = GENERATE_PATH.exec(path);
    if (match === null) return undefined;
    const streaming =
      match[2] === 'streamGenerateContent' && new URLSearchParams(search).get('alt') === 'sse';
    return { model: decodeURIComponent(match[1] ?? ''), stream: streaming };
  },
  decodeRequest: decodeGeminiRequest,
  encodeResponse: encodeGeminiResponse,
  encodeStream: encodeGeminiStream,
  corruptEvent: corruptGeminiEvent,
  encodeError: encodeGeminiError,
  streamContentType: 'text/event-stream',
};
