/** The Gemini API (`generateContent` / `streamGenerateContent?alt=sse`) as a conformance target. */

import { expect } from 'vitest';
import { blockedPromptMessage } from '../../src/providers/gemini/decode-response.ts';
import { createGeminiAdapter } from '../../src/providers/gemini/adapter.ts';
import type { ConformanceTarget, EncodingCheck } from './conformance-target.ts';
import type { RecordedRequest } from './replay-server.ts';
import { IMAGE_URL, JSON_SCHEMA, TINY_PNG_BASE64, WEATHER_TOOL } from './scenarios.ts';

const UPSTREAM_MODEL = 'gemini-2.5-flash';

interface GeminiErrorFixture {
  readonly error?: { readonly message: string };
  readonly promptFeedback?: { readonly blockReason: string };
}

export const geminiTarget: ConformanceTarget = {
  label: 'gemini',
  providerType: 'gemini',
  fixtureFolder: 'gemini',
  createAdapter: createGeminiAdapter,
  basePath: '/v1beta',
  auth: { header: 'x-goog-api-key', prefix: '' },
  authVariants: [
    {
      // `quotaUser` is a standard Google API system parameter, sent on every call.
      label: 'v1 API with an OAuth access token and a fixed query',
      basePath: '/v1',
      auth: { header: 'Authorization', prefix: 'Bearer ' },
      query: { quotaUser: 'team-search' },
    },
  ],
  endpointPath: (stream) =>
    stream
      ? `/models/${UPSTREAM_MODEL}:streamGenerateContent?alt=sse`
      : `/models/${UPSTREAM_MODEL}:generateContent`,
  // Google ends each event with CRLF CRLF.
  frameStreamLine: (line) => `data: ${line}\r\n\r\n`,
  streamContentType: 'text/event-stream',
  upstreamModel: UPSTREAM_MODEL,
  rawFinishReasons: {
    stop: 'STOP',
    length: 'MAX_TOKENS',
    // Gemini has no tool-call finish reason; a turn that calls functions ends with STOP.
    tool_calls: 'STOP',
    content_filter: 'SAFETY',
  },
  // Gemini counts thoughts apart from the answer: 108 answer + 192 thought tokens are the output.
  usageDetails: { inputTokens: 2006, outputTokens: 300, cachedInputTokens: 1920, reasoningTokens: 192 },
  wireCapabilities: {
    tools: true,
    parallelToolCalls: false,
    jsonObject: true,
    jsonSchema: true,
    vision: true,
    logprobs: false,
    assistantPrefill: false,
  },
  errorMessage: (body) => {
    const fixture = body as GeminiErrorFixture;
    return fixture.error?.message ?? blockedPromptMessage(fixture.promptFeedback?.blockReason ?? '');
  },
  // A blocked prompt is not an HTTP error on Gemini: it is a 200 with `promptFeedback.blockReason`.
  errorStatusOverrides: { 'error-content-policy.json': 200 },
  extraErrorCases: [
    {
      label: '400 invalid API key',
      fixture: 'error-api-key-invalid.json',
      status: 400,
      headers: {},
      code: 'upstream_auth_failed',
      retryable: false,
    },
    {
      label: '404 unknown model',
      fixture: 'error-model-not-found.json',
      status: 404,
      headers: {},
      code: 'upstream_not_found',
      retryable: false,
    },
  ],
  toolArgumentsArriveWhole: true,
  wire: wireChecks(),
};

function wireChecks(): Record<EncodingCheck, (recorded: RecordedRequest) => void> {
  const hello = [{ role: 'user', parts: [{ text: 'Hello!' }] }];
  const samplingBody = {
    contents: hello,
    // No `user`, no metadata: Gemini has no field for them.
    generationConfig: {
      temperature: 0.2,
      topP: 0.9,
      seed: 42,
      stopSequences: ['\n\n', 'END'],
      presencePenalty: 0.5,
      frequencyPenalty: 0.25,
      maxOutputTokens: 256,
    },
  };
  return {
    // Exact equality throughout: nothing the client did not ask for is sent.
    'multi-turn-with-system': ({ body }) =>
      expect(body).toEqual({
        contents: [
          { role: 'user', parts: [{ text: 'What is the capital of France?' }] },
          { role: 'model', parts: [{ text: 'Paris.' }] },
          { role: 'user', parts: [{ text: 'And of Italy?' }] },
        ],
        systemInstruction: { parts: [{ text: 'You are a terse assistant.' }] },
      }),
    'sampling-and-limits': ({ body }) => expect(body).toEqual(samplingBody),
    // The mode is in the URL; the body is the same.
    streaming: ({ body, url }) => {
      expect(body).toEqual(samplingBody);
      expect(url).toBe(`/v1beta/models/${UPSTREAM_MODEL}:streamGenerateContent?alt=sse`);
    },
    'tool-definitions': ({ body }) =>
      expect(body).toMatchObject({
        tools: [
          {
            functionDeclarations: [
              {
                name: WEATHER_TOOL.name,
                description: WEATHER_TOOL.description,
                parametersJsonSchema: WEATHER_TOOL.parameters,
              },
              {
                name: 'get_time',
                parametersJsonSchema: { type: 'object', properties: { timezone: { type: 'string' } } },
              },
            ],
          },
        ],
        toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
      }),
    'tool-result-round-trip': ({ body }) =>
      expect(body).toMatchObject({
        contents: [
          { role: 'user', parts: [{ text: 'What is the weather in Paris?' }] },
          {
            role: 'model',
            parts: [
              {
                functionCall: { id: 'call_abc123', name: 'get_weather', args: { location: 'Paris, France' } },
              },
            ],
          },
          {
            role: 'user',
            parts: [
              {
                functionResponse: {
                  id: 'call_abc123',
                  name: 'get_weather',
                  response: { temperature: 18, unit: 'celsius' },
                },
              },
            ],
          },
        ],
        toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
      }),
    'json-object': ({ body }) =>
      expect(body).toMatchObject({ generationConfig: { responseMimeType: 'application/json' } }),
    'json-schema': ({ body }) =>
      expect(body).toMatchObject({
        generationConfig: { responseMimeType: 'application/json', responseJsonSchema: JSON_SCHEMA },
      }),
    images: ({ body }) =>
      expect(body).toEqual({
        contents: [
          {
            role: 'user',
            parts: [
              { text: 'Compare these two images.' },
              { fileData: { mimeType: 'image/jpeg', fileUri: IMAGE_URL } },
              { inlineData: { mimeType: 'image/png', data: TINY_PNG_BASE64 } },
            ],
          },
        ],
      }),
  };
}
