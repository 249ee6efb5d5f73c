/**
 * The OpenAI chat-completions wire format: response bodies, SSE chunks and error JSON exactly as
 * api.openai.com sends them (chat.completion / chat.completion.chunk objects, `data: [DONE]`, and
 * `{"error":{"message","type","param","code"}}`).
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
import { openAILogprobs, openAILogprobsJson } from '../logprobs.ts';
import { decodeOpenAIChatRequest } from './openai-request.ts';

const SYSTEM_FINGERPRINT = 'fp_sim0001';
/** The rate limit the simulated 429 claims to have hit. */
const RATE_LIMIT_REQUESTS_PER_MINUTE = 60;

function usageJson(completion: SimCompletion): object {
  return {
    prompt_tokens: completion.promptTokens,
    completion_tokens: completion.completionTokens,
    total_tokens: completion.promptTokens + completion.completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

interface ToolCallJson {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export function encodeOpenAIResponse(meta: SimResponseMeta, completion: SimCompletion): string {
  let text = '';
  const toolCalls: ToolCallJson[] = [];
  for (const step of completion.steps) {
    if (step.kind === 'text') text += step.text;
    else if (step.kind === 'tool-start') {
      toolCalls.push({ id: step.id, type: 'function', function: { name: step.name, arguments: '' } });
    } else {
      const call = toolCalls[step.index];
      if (call !== undefined) call.function.arguments += step.text;
    }
  }
  const textTokens = completion.steps.flatMap((step) => (step.kind === 'text' ? [step.text] : []));
  const logprobs = meta.logprobs === undefined ? null : openAILogprobs(textTokens, meta.logprobs);
  const message =
    toolCalls.length > 0
      ? { role: 'assistant', content: null, tool_calls: toolCalls, refusal: null, annotations: [] }
      : { role: 'assistant', content: text, refusal: null, annotations: [] };
  return JSON.stringify({
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message, logprobs, finish_reason: completion.finishReason }],
    usage: usageJson(completion),
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  });
}

/** Every chunk of a stream shares its envelope; only the choice differs, so it is built once. */
function chunkWriter(meta: SimResponseMeta, includeUsage: boolean) {
  const prefix =
    `data: {"id":${JSON.stringify(meta.id)},"object":"chat.completion.chunk","created":${meta.created},` +
    `"model":${JSON.stringify(meta.model)},"service_tier":"default","system_fingerprint":"${SYSTEM_FINGERPRINT}","choices":`;
  const suffix = includeUsage ? ',"usage":null}\n\n' : '}\n\n';
  return {
    choice(deltaJson: string, finishReason: SimFinishReason | null = null, logprobsJson = 'null'): string {
      const finish = finishReason === null ? 'null' : `"${finishReason}"`;
      return `${prefix}[{"index":0,"delta":${deltaJson},"logprobs":${logprobsJson},"finish_reason":${finish}}]${suffix}`;
    },
    usage(completion: SimCompletion): string {
      return `${prefix}[],"usage":${JSON.stringify(usageJson(completion))}}\n\n`;
    },
  };
}

export function encodeOpenAIStream(
  meta: SimResponseMeta,
  completion: SimCompletion,
  includeUsage: boolean,
): SimStreamEvent[] {
  const writer = chunkWriter(meta, includeUsage);
  const events: SimStreamEvent[] = [];
  const isToolCall = completion.steps[0]?.kind === 'tool-start';
  // OpenAI opens a text answer with an empty role delta; a tool-call answer carries the role on its first call.
  if (!isToolCall) {
    events.push({ kind: 'head', text: writer.choice('{"role":"assistant","content":"","refusal":null}') });
  }
  for (const [position, step] of completion.steps.entries()) {
    let delta: string;
    if (step.kind === 'text') {
      delta = `{"content":${JSON.stringify(step.text)}}`;
      if (meta.logprobs !== undefined) {
        events.push({
          kind: 'token',
          text: writer.choice(delta, null, openAILogprobsJson([step.text], meta.logprobs)),
        });
        continue;
      }
    } else if (step.kind === 'tool-start') {
      const call = `{"index":${step.index},"id":${JSON.stringify(step.id)},"type":"function","function":{"name":${JSON.stringify(step.name)},"arguments":""}}`;
      delta =
        position === 0
          ? `{"role":"assistant","content":null,"tool_calls":[${call}],"refusal":null}`
          : `{"tool_calls":[${call}]}`;
    } else {
      delta = `{"tool_calls":[{"index":${step.index},"function":{"arguments":${JSON.stringify(step.text)}}}]}`;
    }
    events.push({ kind: 'token', text: writer.choice(delta) });
  }
  events.push({ kind: 'tail', text: writer.choice('{}', completion.finishReason) });
  if (includeUsage) events.push({ kind: 'tail', text: writer.usage(completion) });
  events.push({ kind: 'terminator', text: 'data: [DONE]\n\n' });
  return events;
}

/** Drop the end of the event's JSON so no parser can accept it, keeping the SSE framing intact. */
export function corruptOpenAIEvent(text: string): string {
  const payload = text.endsWith('\n\n') ? text.slice(0, -2) : text;
  return `${payload.slice(0, Math.max('data: '.length + 1, payload.length - 5))}\n\n`;
}

function errorBody(message: string, type: string, param: string | null, code: string | null): string {
  return JSON.stringify({ error: { message, type, param, code } });
}

const JSON_HEADERS = { 'content-type': 'application/json' };

export function encodeOpenAIError(error: SimError): EncodedError {
  switch (error.kind) {
    case 'invalid_request':
      return {
        status: 400,
        headers: JSON_HEADERS,
        body: errorBody(error.message, 'invalid_request_error', error.param, error.code),
      };
    case 'not_found':
      return {
        status: 404,
        headers: JSON_HEADERS,
        body: errorBody(error.message, 'invalid_request_error', null, error.code),
      };
    case 'payload_too_large':
      return {
        status: 413,
        headers: JSON_HEADERS,
        body: errorBody(
          `Request body too large: the limit is ${error.limitBytes} bytes.`,
          'invalid_request_error',
          null,
          null,
        ),
      };
    case 'rate_limit': {
      const retryIn = error.retryAfterSeconds ?? 1;
      const message =
        `Rate limit reached for ${error.model} in organization org-sim on requests per min (RPM): ` +
        `Limit ${RATE_LIMIT_REQUESTS_PER_MINUTE}, Used ${RATE_LIMIT_REQUESTS_PER_MINUTE}, Requested 1. ` +
        `Please try again in ${retryIn}s. Visit https://platform.openai.com/account/rate-limits to learn more.`;
      const headers: Record<string, string> = { ...JSON_HEADERS };
      if (error.retryAfterSeconds !== undefined) {
        headers['retry-after'] = String(error.retryAfterSeconds);
        headers['x-ratelimit-limit-requests'] = String(RATE_LIMIT_REQUESTS_PER_MINUTE);
        headers['x-ratelimit-remaining-requests'] = '0';
        headers['x-ratelimit-reset-requests'] = `${error.retryAfterSeconds}s`;
      }
      return { status: 429, headers, body: errorBody(message, 'requests', null, 'rate_limit_exceeded') };
    }
    case 'server_error':
      return {
        status: 500,
        headers: JSON_HEADERS,
        body: errorBody(
          'The server had an error while processing your request. Sorry about that!',
          'server_error',
          null,
          null,
        ),
      };
    case 'unavailable':
      return {
        status: 503,
        headers: JSON_HEADERS,
        body: errorBody('The server is overloaded or not ready yet.', 'server_error', null, null),
      };
    case 'context_length_exceeded': {
      const requested = error.promptTokens + (error.completionTokens ?? 0);
      const message =
        error.completionTokens === undefined
          ? `This model's maximum context length is ${error.contextWindow} tokens. However, your messages resulted in ${error.promptTokens} tokens. Please reduce the length of the messages.`
          : `This model's maximum context length is ${error.contextWindow} tokens. However, you requested ${requested} tokens (${error.promptTokens} in the messages, ${error.completionTokens} in the completion). Please reduce the length of the messages or completion.`;
      return {
        status: 400,
        headers: JSON_HEADERS,
        body: errorBody(message, 'invalid_request_error', 'messages', 'context_length_exceeded'),
      };
    }
    case 'content_policy':
      return {
        status: 400,
        headers: JSON_HEADERS,
        body: errorBody(
          'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.',
          'invalid_request_error',
          null,
          'content_policy_violation',
        ),
      };
  }
}

export function encodeOpenAIModelList(names: readonly string[], created: number): string {
  return JSON.stringify({
    object: 'list',
    data: names.map((id) => ({ id, object: 'model', created, owned_by: 'switchyard-sim' })),
  });
}

export function encodeOpenAIModel(name: string, created: number): string {
  return JSON.stringify({ id: name, object: 'model', created, owned_by: 'switchyard-sim' });
}

export const OPENAI_WIRE: SimWireFormat = {
  name: 'openai',
  responseIdPrefix: 'chatcmpl-',
  matchGenerate: (method, path) => (method === 'POST' && path === '/v1/chat/completions' ? {} : undefined),
  decodeRequest: (body) => decodeOpenAIChatRequest(body),
  encodeResponse: encodeOpenAIResponse,
  encodeStream: encodeOpenAIStream,
  corruptEvent: corruptOpenAIEvent,
  encodeError: encodeOpenAIError,
  streamContentType: 'text/event-stream; charset=utf-8',
};
