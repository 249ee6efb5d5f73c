/**
 * The OpenAI Chat Completions wire format as a conformance target: used for both `openai` and
 * `openai-compatible`, which differ only in the field that caps output length.
 */

import { expect } from 'vitest';
import type { ProviderType } from '../../src/config/resolved.ts';
import { createOpenAIAdapter } from '../../src/providers/openai/adapter.ts';
import type { ConformanceTarget, EncodingCheck } from './conformance-target.ts';
import type { RecordedRequest } from './replay-server.ts';
import { IMAGE_URL, JSON_SCHEMA, TINY_PNG_BASE64, WEATHER_TOOL } from './scenarios.ts';

const UPSTREAM_MODEL = 'gpt-4o-2024-08-06';

export function openAITarget(
  providerType: Extract<ProviderType, 'openai' | 'openai-compatible'>,
): ConformanceTarget {
  return {
    label: providerType,
    providerType,
    fixtureFolder: 'openai',
    createAdapter: createOpenAIAdapter,
    basePath: '/v1',
    auth: { header: 'Authorization', prefix: 'Bearer ' },
    authVariants: [
      {
        label: 'Azure-style deployment',
        basePath: '/openai/deployments/gpt-4o',
        auth: { header: 'api-key', prefix: '' },
        query: { 'api-version': '2024-10-21' },
      },
    ],
    endpointPath: () => '/chat/completions',
    frameStreamLine: (line) => `data: ${line}\n\n`,
    streamContentType: 'text/event-stream; charset=utf-8',
    upstreamModel: UPSTREAM_MODEL,
    rawFinishReasons: {
      stop: 'stop',
      length: 'length',
      tool_calls: 'tool_calls',
      content_filter: 'content_filter',
    },
    usageDetails: { inputTokens: 2006, outputTokens: 300, cachedInputTokens: 1920, reasoningTokens: 192 },
    wireCapabilities: {
      tools: true,
      parallelToolCalls: true,
      jsonObject: true,
      jsonSchema: true,
      vision: true,
      logprobs: true,
      assistantPrefill: false,
    },
    errorMessage: (body) => (body as { error: { message: string } }).error.message,
    wire: wireChecks(providerType === 'openai' ? 'max_completion_tokens' : 'max_tokens'),
  };
}

function wireChecks(maxTokensField: string): Record<EncodingCheck, (recorded: RecordedRequest) => void> {
  const samplingFields = {
    model: UPSTREAM_MODEL,
    messages: [{ role: 'user', content: 'Hello!' }],
    temperature: 0.2,
    top_p: 0.9,
    seed: 42,
    stop: ['\n\n', 'END'],
    presence_penalty: 0.5,
    frequency_penalty: 0.25,
    [maxTokensField]: 256,
    user: 'user-1234',
  };
  return {
    // Exact equality throughout: nothing the client did not ask for is sent (no metadata, no defaults).
    'multi-turn-with-system': ({ body }) =>
      expect(body).toEqual({
        model: UPSTREAM_MODEL,
        messages: [
          { role: 'system', content: 'You are a terse assistant.' },
          { role: 'user', content: 'What is the capital of France?' },
          { role: 'assistant', content: 'Paris.' },
          { role: 'user', content: 'And of Italy?', name: 'alice' },
        ],
      }),
    'sampling-and-limits': ({ body }) => expect(body).toEqual(samplingFields),
    streaming: ({ body }) =>
      expect(body).toEqual({ ...samplingFields, stream: true, stream_options: { include_usage: true } }),
    'tool-definitions': ({ body }) =>
      expect(body).toMatchObject({
        tools: [
          { type: 'function', function: { ...WEATHER_TOOL } },
          {
            type: 'function',
            function: {
              name: 'get_time',
              parameters: { type: 'object', properties: { timezone: { type: 'string' } } },
              strict: true,
            },
          },
        ],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
        parallel_tool_calls: true,
      }),
    'tool-result-round-trip': ({ body }) => {
      expect(body).toMatchObject({
        messages: [
          { role: 'user', content: 'What is the weather in Paris?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_abc123',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"location":"Paris, France"}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'call_abc123', content: '{"temperature":18,"unit":"celsius"}' },
        ],
        tool_choice: 'auto',
      });
      expect(body).not.toHaveProperty('parallel_tool_calls');
    },
    'json-object': ({ body }) => expect(body).toMatchObject({ response_format: { type: 'json_object' } }),
    'json-schema': ({ body }) =>
      expect(body).toMatchObject({
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'city_info', schema: JSON_SCHEMA, strict: true, description: 'A city' },
        },
      }),
    images: ({ body }) =>
      expect(body).toMatchObject({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare these two images.' },
              { type: 'image_url', image_url: { url: IMAGE_URL, detail: 'low' } },
              { type: 'image_url', image_url: { url: `data:image/png;base64,${TINY_PNG_BASE64}` } },
            ],
          },
        ],
      }),
  };
}
