/**
 * The format-agnostic half of the conformance suite: the canonical requests every adapter is asked to
 * encode, and the canonical results its fixtures must decode to. A new wire format records fixtures
 * with these file names (in its own format, under test/fixtures/<format>/) that carry this content.
 */

import type { ErrorCode } from '../../src/core/errors.ts';
import type { ResolvedModel } from '../../src/core/model.ts';
import type { ChatRequest, Message } from '../../src/core/request.ts';

/** Fixture file names, shared by every format. `.json` is a whole body; `.chunks.txt` a stream. */
export const FIXTURES = {
  text: 'text.json',
  textStream: 'text.chunks.txt',
  toolCall: 'tool-call.json',
  toolCallStream: 'tool-call.chunks.txt',
  finishLength: 'finish-length.json',
  finishContentFilter: 'finish-content-filter.json',
  usageDetails: 'usage-details.json',
  streamTruncated: 'stream-truncated.chunks.txt',
  streamMalformed: 'stream-malformed.chunks.txt',
  streamError: 'stream-error.chunks.txt',
} as const;

// ---- what the fixtures must decode to ------------------------------------------------------------

/** `text.json` and `text.chunks.txt` answer with exactly this text and finish with `stop`. */
export const EXPECTED_TEXT = 'Hello! How can I assist you today?';
export const EXPECTED_TEXT_USAGE = { inputTokens: 19, outputTokens: 10 };

/** `tool-call.json` and `tool-call.chunks.txt` make these two parallel calls, in this order. */
export const EXPECTED_TOOL_CALLS = [
  { name: 'get_weather', arguments: { location: 'Paris, France', unit: 'celsius' } },
  { name: 'get_time', arguments: { timezone: 'Europe/Paris' } },
] as const;

/** The upstream error fixtures: status, headers, and the gateway's classification of each. */
export interface ErrorCase {
  readonly label: string;
  readonly fixture: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
}

export const ERROR_CASES: readonly ErrorCase[] = [
  {
    label: '400 context length',
    fixture: 'error-context-length.json',
    status: 400,
    headers: {},
    code: 'context_length_exceeded',
    retryable: false,
  },
  {
    label: '400 content policy',
    fixture: 'error-content-policy.json',
    status: 400,
    headers: {},
    code: 'content_filtered',
    retryable: false,
  },
  {
    label: '429 with retry-after',
    fixture: 'error-rate-limit.json',
    status: 429,
    headers: { 'retry-after': '7' },
    code: 'upstream_rate_limited',
    retryable: true,
    retryAfterMs: 7000,
  },
  {
    label: '401',
    fixture: 'error-auth.json',
    status: 401,
    headers: {},
    code: 'upstream_auth_failed',
    retryable: false,
  },
  {
    label: '500',
    fixture: 'error-server.json',
    status: 500,
    headers: {},
    code: 'upstream_server_error',
    retryable: true,
  },
  {
    label: '503',
    fixture: 'error-unavailable.json',
    status: 503,
    headers: {},
    code: 'upstream_unavailable',
    retryable: true,
  },
];

// ---- the model and requests ------------------------------------------------------------------------

import { ALL_CAPABILITIES } from '../support/fixtures.ts';

export { ALL_CAPABILITIES };

export function conformanceModel(provider: string, upstreamModel: string): ResolvedModel {
  return {
    id: 'conformance-model',
    provider,
    upstreamModel,
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    pricing: { inputPerMillion: 2.5, outputPerMillion: 10 },
    capabilities: ALL_CAPABILITIES,
    tokenizer: 'o200k',
    tags: [],
    source: 'config',
  };
}

function userText(text: string): Message {
  return { role: 'user', content: [{ type: 'text', text }] };
}

function baseRequest(messages: readonly Message[]): ChatRequest {
  return {
    model: 'conformance-model',
    messages,
    sampling: {},
    stream: false,
    includeUsage: false,
    metadata: {},
  };
}

export const TEXT_REQUEST = baseRequest([userText('Hello!')]);

export const MULTI_TURN_REQUEST = baseRequest([
  { role: 'system', content: [{ type: 'text', text: 'You are a terse assistant.' }] },
  userText('What is the capital of France?'),
  { role: 'assistant', content: [{ type: 'text', text: 'Paris.' }] },
  { role: 'user', content: [{ type: 'text', text: 'And of Italy?' }], name: 'alice' },
]);

export const SAMPLING_REQUEST: ChatRequest = {
  ...TEXT_REQUEST,
  sampling: {
    temperature: 0.2,
    topP: 0.9,
    seed: 42,
    stop: ['\n\n', 'END'],
    presencePenalty: 0.5,
    frequencyPenalty: 0.25,
  },
  maxOutputTokens: 256,
  user: 'user-1234',
  metadata: { team: 'search' },
};

export const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather for a location',
  parameters: {
    type: 'object',
    properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['location'],
  },
} as const;

export const TOOL_REQUEST: ChatRequest = {
  ...baseRequest([userText('What is the weather and the time in Paris?')]),
  tools: [
    WEATHER_TOOL,
    {
      name: 'get_time',
      parameters: { type: 'object', properties: { timezone: { type: 'string' } } },
      strict: true,
    },
  ],
  toolChoice: { type: 'tool', name: 'get_weather' },
  parallelToolCalls: true,
};

export const TOOL_RESULT_REQUEST: ChatRequest = {
  ...baseRequest([
    userText('What is the weather in Paris?'),
    {
      role: 'assistant',
      content: [],
      toolCalls: [{ id: 'call_abc123', name: 'get_weather', arguments: '{"location":"Paris, France"}' }],
    },
    {
      role: 'tool',
      content: [{ type: 'text', text: '{"temperature":18,"unit":"celsius"}' }],
      toolCallId: 'call_abc123',
    },
  ]),
  tools: [WEATHER_TOOL],
  toolChoice: { type: 'auto' },
};

export const JSON_OBJECT_REQUEST: ChatRequest = {
  ...baseRequest([userText('Give me a JSON object with a "city" key.')]),
  responseFormat: { type: 'json_object' },
};

export const JSON_SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' }, population: { type: 'integer' } },
  required: ['city', 'population'],
  additionalProperties: false,
} as const;

export const JSON_SCHEMA_REQUEST: ChatRequest = {
  ...baseRequest([userText('The largest city in Japan?')]),
  responseFormat: {
    type: 'json_schema',
    name: 'city_info',
    schema: JSON_SCHEMA,
    strict: true,
    description: 'A city',
  },
};

/** A 1×1 transparent PNG. */
export const TINY_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
export const IMAGE_URL =
  'https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg';

export const IMAGE_REQUEST = baseRequest([
  {
    role: 'user',
    content: [
      { type: 'text', text: 'Compare these two images.' },
      { type: 'image', source: { kind: 'url', url: IMAGE_URL }, detail: 'low' },
      { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: TINY_PNG_BASE64 } },
    ],
  },
]);
