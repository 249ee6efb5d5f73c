/** Anthropic's Messages API as a conformance target. */

import { expect } from 'vitest';
import { createAnthropicAdapter } from '../../src/providers/anthropic/adapter.ts';
import type { ConformanceTarget, EncodingCheck } from './conformance-target.ts';
import type { RecordedRequest } from './replay-server.ts';
import { IMAGE_URL, JSON_SCHEMA, TINY_PNG_BASE64, WEATHER_TOOL } from './scenarios.ts';

const UPSTREAM_MODEL = 'claude-sonnet-4-5-20250929';
/** The conformance model's `maxOutputTokens`: what `max_tokens` defaults to without a client cap. */
const MODEL_MAX_OUTPUT_TOKENS = 16_384;

/**
 * Fixture lines are the events' JSON; Anthropic names each event on an `event:` line, which is the
 * payload's `type`. Read with a pattern, not a parser, so the deliberately broken line still frames.
 */
function frameStreamLine(line: string): string {
  const type = /"type"\s*:\s*"([^"]+)"/.exec(line)?.[1] ?? 'message';
  return `event: ${type}\ndata: ${line}\n\n`;
}

export function anthropicTarget(): ConformanceTarget {
  return {
    label: 'anthropic',
    providerType: 'anthropic',
    fixtureFolder: 'anthropic',
    createAdapter: createAnthropicAdapter,
    basePath: '/v1',
    auth: { header: 'x-api-key', prefix: '' },
    authVariants: [],
    endpointPath: () => '/messages',
    frameStreamLine,
    streamContentType: 'text/event-stream; charset=utf-8',
    upstreamModel: UPSTREAM_MODEL,
    rawFinishReasons: {
      stop: 'end_turn',
      length: 'max_tokens',
      tool_calls: 'tool_use',
      content_filter: 'refusal',
    },
    // Anthropic reports cache reads and writes beside `input_tokens` (50 + 1920 + 36), no reasoning count.
    usageDetails: { inputTokens: 2006, outputTokens: 300, cachedInputTokens: 1920, cacheWriteTokens: 36 },
    wireCapabilities: {
      tools: true,
      parallelToolCalls: true,
      jsonObject: true,
      jsonSchema: true,
      vision: true,
      logprobs: false,
      assistantPrefill: true,
    },
    errorMessage: (body) => (body as { error: { message: string } }).error.message,
    extraErrorCases: [
      {
        label: '529 overloaded',
        fixture: 'error-overloaded.json',
        status: 529,
        headers: {},
        code: 'upstream_overloaded',
        retryable: true,
      },
      {
        label: '413 request too large',
        fixture: 'error-request-too-large.json',
        status: 413,
        headers: {},
        code: 'payload_too_large',
        retryable: false,
      },
    ],
    wire: wireChecks(),
  };
}

function wireChecks(): Record<EncodingCheck, (recorded: RecordedRequest) => void> {
  const samplingFields = {
    model: UPSTREAM_MODEL,
    max_tokens: 256,
    messages: [{ role: 'user', content: 'Hello!' }],
    temperature: 0.2,
    top_p: 0.9,
    // '\n\n' is dropped: Anthropic rejects whitespace-only stop sequences. No seed, no penalties.
    stop_sequences: ['END'],
    metadata: { user_id: 'user-1234' },
  };
  return {
    // Exact equality: the system prompt moves to the top, `name` has no Anthropic field.
    'multi-turn-with-system': ({ body }) =>
      expect(body).toEqual({
        model: UPSTREAM_MODEL,
        max_tokens: MODEL_MAX_OUTPUT_TOKENS,
        system: 'You are a terse assistant.',
        messages: [
          { role: 'user', content: 'What is the capital of France?' },
          { role: 'assistant', content: 'Paris.' },
          { role: 'user', content: 'And of Italy?' },
        ],
      }),
    'sampling-and-limits': ({ body }) => expect(body).toEqual(samplingFields),
    streaming: ({ body }) => expect(body).toEqual({ ...samplingFields, stream: true }),
    'tool-definitions': ({ body }) => {
      expect(body).toMatchObject({ tool_choice: { type: 'tool', name: 'get_weather' } });
      expect((body as { tools: unknown }).tools).toEqual([
        { name: 'get_weather', description: WEATHER_TOOL.description, input_schema: WEATHER_TOOL.parameters },
        { name: 'get_time', input_schema: { type: 'object', properties: { timezone: { type: 'string' } } } },
      ]);
      expect((body as { tool_choice: object }).tool_choice).not.toHaveProperty('disable_parallel_tool_use');
    },
    'tool-result-round-trip': ({ body }) =>
      expect(body).toMatchObject({
        messages: [
          { role: 'user', content: 'What is the weather in Paris?' },
          {
            role: 'assistant',
            content: [
              {
                type: 'tool_use',
                id: 'call_abc123',
                name: 'get_weather',
                input: { location: 'Paris, France' },
              },
            ],
          },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 'call_abc123',
                content: '{"temperature":18,"unit":"celsius"}',
              },
            ],
          },
        ],
        tool_choice: { type: 'auto' },
      }),
    'json-object': ({ body }) => {
      expect(body).toMatchObject({
        tools: [{ name: 'json_response', input_schema: { type: 'object' } }],
        tool_choice: { type: 'tool', name: 'json_response', disable_parallel_tool_use: true },
      });
      expect(body).not.toHaveProperty('response_format');
    },
    'json-schema': ({ body }) =>
      expect(body).toMatchObject({
        tools: [{ name: 'json_response', description: 'A city', input_schema: JSON_SCHEMA }],
        tool_choice: { type: 'tool', name: 'json_response' },
      }),
    images: ({ body }) =>
      expect(body).toMatchObject({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare these two images.' },
              { type: 'image', source: { type: 'url', url: IMAGE_URL } },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: TINY_PNG_BASE64 } },
            ],
          },
        ],
      }),
  };
}
