/**
 * The Anthropic Messages wire format: the Message object, the named SSE events of a stream
 * (`message_start`, `content_block_start|delta|stop`, `message_delta`, `message_stop`, with a `ping`) and
 * the error JSON `{"type":"error","error":{"type","message"},"request_id"}` with its real statuses
 * (https://docs.claude.com/en/api/messages, /en/docs/build-with-claude/streaming, /en/api/errors).
 */

import { randomBytes } from 'node:crypto';
import type {
  EncodedError,
  SimCompletion,
  SimError,
  SimFinishReason,
  SimResponseMeta,
  SimStep,
  SimStreamEvent,
  SimWireFormat,
} from '../types.ts';
import { decodeAnthropicMessagesRequest } from './anthropic-request.ts';

/** The rate limit the simulated 429 claims to have hit. */
const RATE_LIMIT_REQUESTS_PER_MINUTE = 50;

/**
 * The simulator does not say whether a stop sequence ended the text, so `stop` is always `end_turn`
 * (and `stop_sequence` null); a tool-call answer is `tool_use`.
 */
const STOP_REASONS: Readonly<Record<SimFinishReason, string>> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
};

function usageJson(completion: SimCompletion): object {
  return {
    input_tokens: completion.promptTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: completion.completionTokens,
    service_tier: 'standard',
  };
}

/** Anthropic tool-use ids look like `toolu_…`; the generator's own ids keep their random part. */
function toolUseId(id: string): string {
  return `toolu_${id.slice(id.indexOf('_') + 1)}`;
}

function parseInput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Arguments cut off by max_tokens: Anthropic still answers with an (empty) object.
    return {};
  }
}

interface ToolUseDraft {
  readonly id: string;
  readonly name: string;
  arguments: string;
}

/** One text block for a prose or JSON answer; one `tool_use` block per call otherwise. */
function contentBlocks(steps: readonly SimStep[]): object[] {
  const calls: ToolUseDraft[] = [];
  let text = '';
  for (const step of steps) {
    if (step.kind === 'text') text += step.text;
    else if (step.kind === 'tool-start')
      calls.push({ id: toolUseId(step.id), name: step.name, arguments: '' });
    else {
      const call = calls[step.index];
      if (call !== undefined) call.arguments += step.text;
    }
  }
  if (calls.length === 0) return text.length > 0 ? [{ type: 'text', text }] : [];
  return calls.map((call) => ({
    type: 'tool_use',
    id: call.id,
    name: call.name,
    input: parseInput(call.arguments),
  }));
}

export function encodeAnthropicResponse(meta: SimResponseMeta, completion: SimCompletion): string {
  return JSON.stringify({
    id: meta.id,
    type: 'message',
    role: 'assistant',
    model: meta.model,
    content: contentBlocks(completion.steps),
    stop_reason: STOP_REASONS[completion.finishReason],
    stop_sequence: null,
    usage: usageJson(completion),
  });
}

/** One SSE event with its `event:` line, which Anthropic's SDKs dispatch on. */
function sse(type: string, dataJson: string): string {
  return `event: ${type}\ndata: ${dataJson}\n\n`;
}

function blockStop(index: number): string {
  return sse('content_block_stop', `{"type":"content_block_stop","index":${index}}`);
}

export function encodeAnthropicStream(meta: SimResponseMeta, completion: SimCompletion): SimStreamEvent[] {
  const events: SimStreamEvent[] = [];
  const message =
    `{"id":${JSON.stringify(meta.id)},"type":"message","role":"assistant","model":${JSON.stringify(meta.model)},` +
    `"content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":${completion.promptTokens},` +
    `"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":${Math.min(1, completion.completionTokens)},"service_tier":"standard"}}`;
  events.push({ kind: 'head', text: sse('message_start', `{"type":"message_start","message":${message}}`) });
  // Anthropic may send pings anywhere; one early keeps clients honest about skipping them, and keeps
  // chunk 3 (the default `malformed_chunk` target) an event every client must parse.
  events.push({ kind: 'head', text: sse('ping', '{"type": "ping"}') });
  let openBlock = -1;
  if (completion.steps[0]?.kind !== 'tool-start') {
    openBlock = 0;
    events.push({
      kind: 'head',
      text: sse(
        'content_block_start',
        '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
      ),
    });
  }
  for (const step of completion.steps) {
    let text: string;
    if (step.kind === 'text') {
      text = sse(
        'content_block_delta',
        `{"type":"content_block_delta","index":${openBlock},"delta":{"type":"text_delta","text":${JSON.stringify(step.text)}}}`,
      );
    } else if (step.kind === 'tool-start') {
      // Closing the previous call and opening the next travel with the token that names the next tool.
      text = openBlock >= 0 ? blockStop(openBlock) : '';
      openBlock = step.index;
      const block = `{"type":"tool_use","id":${JSON.stringify(toolUseId(step.id))},"name":${JSON.stringify(step.name)},"input":{}}`;
      text += sse(
        'content_block_start',
        `{"type":"content_block_start","index":${step.index},"content_block":${block}}`,
      );
    } else {
      text = sse(
        'content_block_delta',
        `{"type":"content_block_delta","index":${step.index},"delta":{"type":"input_json_delta","partial_json":${JSON.stringify(step.text)}}}`,
      );
    }
    events.push({ kind: 'token', text });
  }
  if (openBlock >= 0) events.push({ kind: 'tail', text: blockStop(openBlock) });
  const stopReason = STOP_REASONS[completion.finishReason];
  events.push({
    kind: 'tail',
    text: sse(
      'message_delta',
      `{"type":"message_delta","delta":{"stop_reason":"${stopReason}","stop_sequence":null},"usage":{"output_tokens":${completion.completionTokens}}}`,
    ),
  });
  events.push({ kind: 'terminator', text: sse('message_stop', '{"type":"message_stop"}') });
  return events;
}

/** Cut the end off the last event's JSON so no parser can accept it, keeping the SSE framing intact. */
export function corruptAnthropicEvent(text: string): string {
  const payload = text.endsWith('\n\n') ? text.slice(0, -2) : text;
  const keep = payload.lastIndexOf('data: ') + 'data: '.length + 1;
  return `${payload.slice(0, Math.max(keep, payload.length - 5))}\n\n`;
}

function errorResponse(
  status: number,
  type: string,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): EncodedError {
  const requestId = `req_${randomBytes(12).toString('hex')}`;
  return {
    status,
    headers: { 'content-type': 'application/json', 'request-id': requestId, ...headers },
    body: JSON.stringify({ type: 'error', error: { type, message }, request_id: requestId }),
  };
}

function contextLengthMessage(error: Extract<SimError, { kind: 'context_length_exceeded' }>): string {
  const { promptTokens, completionTokens, contextWindow } = error;
  if (promptTokens <= contextWindow && completionTokens !== undefined) {
    // The prompt fits; the room asked for the answer does not.
    return `input length and \`max_tokens\` exceed context limit: ${promptTokens} + ${completionTokens} > ${contextWindow}, decrease input length or \`max_tokens\` and try again`;
  }
  return `prompt is too long: ${promptTokens} tokens > ${contextWindow} maximum`;
}

function rateLimitHeaders(retryAfterSeconds: number | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    'anthropic-ratelimit-requests-limit': String(RATE_LIMIT_REQUESTS_PER_MINUTE),
    'anthropic-ratelimit-requests-remaining': '0',
  };
  if (retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(retryAfterSeconds);
    headers['anthropic-ratelimit-requests-reset'] = new Date(
      Date.now() + retryAfterSeconds * 1000,
    ).toISOString();
  }
  return headers;
}

export function encodeAnthropicError(error: SimError): EncodedError {
  switch (error.kind) {
    case 'invalid_request':
      return errorResponse(400, 'invalid_request_error', error.message);
    case 'not_found':
      return errorResponse(404, 'not_found_error', error.message);
    case 'payload_too_large':
      return errorResponse(
        413,
        'request_too_large',
        `Request exceeds the maximum allowed number of bytes (${error.limitBytes}).`,
      );
    case 'rate_limit':
      return errorResponse(
        429,
        'rate_limit_error',
        `This request would exceed the rate limit for your organization (sim) of ${RATE_LIMIT_REQUESTS_PER_MINUTE} requests per minute (model: ${error.model}). Please try again later.`,
        rateLimitHeaders(error.retryAfterSeconds),
      );
    case 'server_error':
      return errorResponse(500, 'api_error', 'Internal server error');
    case 'unavailable':
      return errorResponse(529, 'overloaded_error', 'Overloaded');
    case 'context_length_exceeded':
      return errorResponse(400, 'invalid_request_error', contextLengthMessage(error));
    case 'content_policy':
      // Anthropic has no prompt-policy error code: its safety classifiers block the output with this
      // 400 (Claude 4 models may instead end a normal answer with stop_reason `refusal`).
      return errorResponse(400, 'invalid_request_error', 'Output blocked by content filtering policy');
  }
}

export const ANTHROPIC_WIRE: SimWireFormat = {
  name: 'anthropic',
  responseIdPrefix: 'msg_',
  matchGenerate: (method, path) => (method === 'POST' && path === '/v1/messages' ? {} : undefined),
  decodeRequest: (body) => decodeAnthropicMessagesRequest(body),
  encodeResponse: encodeAnthropicResponse,
  // Anthropic always reports usage, so the client's include-usage wish changes nothing.
  encodeStream: (meta, completion) => encodeAnthropicStream(meta, completion),
  corruptEvent: corruptAnthropicEvent,
  encodeError: encodeAnthropicError,
  streamContentType: 'text/event-stream; charset=utf-8',
};
