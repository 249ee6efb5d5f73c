/**
 * The benchmark's client of a gateway: `POST /v1/chat/completions` (streamed or not) and `GET /v1/models`,
 * through the one outbound transport and, for streams, the one event-stream parser. Each call is timed
 * from just before it is sent to the end of its body; a streamed call also times its first content.
 */

import { GatewayError } from '../core/errors.ts';
import type { Usage } from '../core/response.ts';
import { parseEventStream } from '../providers/transport/event-stream.ts';
import { createHttpTransport, type InboundResponse } from '../providers/transport/http-transport.ts';

/** Generous: a benchmark measures slow answers rather than cutting them off. */
const TIMEOUTS = { connectMs: 5_000, headersMs: 300_000, bodyIdleMs: 120_000 };

export interface ChatCall {
  /** A model id or a route name, sent as `model`. */
  readonly model: string;
  readonly messages: readonly unknown[];
  readonly maxTokens: number | undefined;
  /** Asks for `response_format: json_schema` with this schema. */
  readonly jsonSchema: Readonly<Record<string, unknown>> | undefined;
  readonly stream: boolean;
}

export interface CallResult {
  /** A 200 with a whole answer (a stream that ended with `[DONE]` and no error event). */
  readonly ok: boolean;
  /**
   * Failures: the gateway's error `code`; `http_<status>` when the body had none; `client_<reason>` when
   * the bench could not reach the gateway or read its answer.
   */
  readonly errorCode: string | undefined;
  readonly errorMessage: string | undefined;
  readonly latencyMs: number;
  /** Streams only: until the first text or tool-call delta. */
  readonly ttftMs: number | undefined;
  readonly text: string;
  readonly usage: Usage | undefined;
  /** `x-switchyard-model` / `x-switchyard-provider`: what served the request (a route picks one). */
  readonly servedModel: string | undefined;
  readonly provider: string | undefined;
  /** `x-switchyard-cost-usd`, which the gateway sends on non-streamed answers with usage. */
  readonly headerCostUsd: number | undefined;
}

export interface GatewayClient {
  chat(call: ChatCall, signal: AbortSignal): Promise<CallResult>;
  /** The body of `GET /v1/models`. */
  listModels(): Promise<unknown>;
  close(): Promise<void>;
}

export function createGatewayClient(baseUrl: string, maxConnections: number): GatewayClient {
  const transport = createHttpTransport();
  const root = baseUrl.replace(/\/+$/, '');
  const chatUrl = `${root}/v1/chat/completions`;

  return {
    async chat(call, signal) {
      const started = performance.now();
      const elapsed = (): number => performance.now() - started;
      try {
        const response = await transport.send({
          url: chatUrl,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: call.stream ? 'text/event-stream' : 'application/json',
          },
          body: JSON.stringify(requestBody(call)),
          signal,
          timeouts: TIMEOUTS,
          maxConnections,
        });
        if (response.status !== 200) return failed(response, await response.text(), elapsed());
        return call.stream
          ? await readStream(response, elapsed)
          : readWhole(response, await response.text(), elapsed());
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        return clientFailure(error, elapsed());
      }
    },

    async listModels() {
      const response = await transport.send({
        url: `${root}/v1/models`,
        method: 'GET',
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(TIMEOUTS.headersMs),
        timeouts: TIMEOUTS,
        maxConnections,
      });
      if (response.status !== 200) {
        throw new GatewayError('upstream_bad_response', `GET /v1/models answered ${response.status}`);
      }
      return response.json();
    },

    close: () => transport.close(),
  };
}

function requestBody(call: ChatCall): Record<string, unknown> {
  return {
    model: call.model,
    messages: call.messages,
    ...(call.maxTokens === undefined ? {} : { max_tokens: call.maxTokens }),
    ...(call.jsonSchema === undefined
      ? {}
      : {
          response_format: {
            type: 'json_schema',
            json_schema: { name: 'expected', schema: call.jsonSchema },
          },
        }),
    ...(call.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
}

interface Served {
  readonly servedModel: string | undefined;
  readonly provider: string | undefined;
}

function servedBy(response: InboundResponse): Served {
  return {
    servedModel: response.headers['x-switchyard-model'],
    provider: response.headers['x-switchyard-provider'],
  };
}

const NO_ANSWER = { text: '', usage: undefined, ttftMs: undefined, headerCostUsd: undefined } as const;

function failed(response: InboundResponse, body: string, latencyMs: number): CallResult {
  const error = errorOf(parseJson(body));
  return {
    ok: false,
    errorCode: error?.code ?? `http_${response.status}`,
    errorMessage: error?.message ?? body.trim().slice(0, 200),
    latencyMs,
    ...NO_ANSWER,
    ...servedBy(response),
  };
}

function clientFailure(error: GatewayError, latencyMs: number): CallResult {
  // The transport words failures for upstreams; from the bench's side the gateway is the far end.
  const reason = error.code.replace(/^upstream_/, '');
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return {
    ok: false,
    errorCode: `client_${reason}`,
    errorMessage: `${error.message}${cause}`,
    latencyMs,
    ...NO_ANSWER,
    servedModel: undefined,
    provider: undefined,
  };
}

function readWhole(response: InboundResponse, body: string, latencyMs: number): CallResult {
  const parsed = asRecord(parseJson(body));
  const choice = asRecord(Array.isArray(parsed?.choices) ? (parsed.choices as unknown[])[0] : undefined);
  const message = asRecord(choice?.message);
  if (message === undefined) {
    return {
      ok: false,
      errorCode: 'client_bad_response',
      errorMessage: `not a chat completion: ${body.slice(0, 200)}`,
      latencyMs,
      ...NO_ANSWER,
      ...servedBy(response),
    };
  }
  const costText = response.headers['x-switchyard-cost-usd'];
  const headerCost = costText === undefined ? undefined : Number(costText);
  return {
    ok: true,
    errorCode: undefined,
    errorMessage: undefined,
    latencyMs,
    ttftMs: undefined,
    text: typeof message.content === 'string' ? message.content : '',
    usage: usageOf(parsed?.usage),
    headerCostUsd: headerCost !== undefined && Number.isFinite(headerCost) ? headerCost : undefined,
    ...servedBy(response),
  };
}

async function readStream(response: InboundResponse, elapsed: () => number): Promise<CallResult> {
  let text = '';
  let ttftMs: number | undefined;
  let usage: Usage | undefined;
  let done = false;
  let failure: { code: string; message: string } | undefined;
  try {
    for await (const event of parseEventStream(response.body)) {
      if (event.data === '[DONE]') {
        done = true;
        continue;
      }
      const chunk = asRecord(parseJson(event.data));
      const error = errorOf(chunk);
      if (error !== undefined) {
        failure = error;
        continue;
      }
      const delta = asRecord(
        asRecord(Array.isArray(chunk?.choices) ? (chunk.choices as unknown[])[0] : undefined)?.delta,
      );
      const content = typeof delta?.content === 'string' ? delta.content : '';
      if (ttftMs === undefined && (content !== '' || Array.isArray(delta?.tool_calls))) ttftMs = elapsed();
      text += content;
      usage = usageOf(chunk?.usage) ?? usage;
    }
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    return { ...clientFailure(error, elapsed()), ...servedBy(response) };
  }
  const latencyMs = elapsed();
  if (failure === undefined && !done)
    failure = { code: 'stream_truncated', message: 'the stream ended without [DONE]' };
  return {
    ok: failure === undefined,
    errorCode: failure?.code,
    errorMessage: failure?.message,
    latencyMs,
    ttftMs,
    text,
    usage,
    headerCostUsd: undefined,
    ...servedBy(response),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** `{"error": {"code", "message"}}`, OpenAI's error shape (also sent in-band on a failed stream). */
function errorOf(body: unknown): { code: string; message: string } | undefined {
  const error = asRecord(asRecord(body)?.error);
  if (error === undefined) return undefined;
  const code =
    typeof error.code === 'string' ? error.code : typeof error.type === 'string' ? error.type : 'unknown';
  return { code, message: typeof error.message === 'string' ? error.message : '' };
}

function usageOf(value: unknown): Usage | undefined {
  const usage = asRecord(value);
  if (typeof usage?.prompt_tokens !== 'number' || typeof usage.completion_tokens !== 'number')
    return undefined;
  const cached = asRecord(usage.prompt_tokens_details)?.cached_tokens;
  return {
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    ...(typeof cached === 'number' ? { cachedInputTokens: cached } : {}),
  };
}
