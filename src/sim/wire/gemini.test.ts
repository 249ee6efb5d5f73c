import { describe, expect, it } from 'vitest';
import type { SimCompletion, SimError, SimPrompt, SimResponseMeta } from '../types.ts';
import { GEMINI_WIRE } from './gemini.ts';

const META: SimResponseMeta = { id: 'abc1', created: 1_700_000_000, model: 'sim-mid' };
const TEXT: SimCompletion = {
  steps: [
    { kind: 'text', text: 'Hello' },
    { kind: 'text', text: ' there' },
  ],
  finishReason: 'stop',
  promptTokens: 9,
  completionTokens: 2,
};
const TOOLS: SimCompletion = {
  steps: [
    { kind: 'tool-start', index: 0, id: 'call_x', name: 'get_weather' },
    { kind: 'tool-arguments', index: 0, text: '{"city"' },
    { kind: 'tool-arguments', index: 0, text: ':"Oslo"}' },
    { kind: 'tool-start', index: 1, id: 'call_y', name: 'get_time' },
  ],
  finishReason: 'tool_calls',
  promptTokens: 20,
  completionTokens: 4,
};

function payload(event: string): unknown {
  expect(event.startsWith('data: ')).toBe(true);
  expect(event.endsWith('\r\n\r\n')).toBe(true);
  return JSON.parse(event.slice('data: '.length));
}

function decode(body: unknown, target = { model: 'sim-mid', stream: false }): SimPrompt | SimError {
  return GEMINI_WIRE.decodeRequest(body, target);
}

describe('gemini wire: paths', () => {
  it.each([
    ['POST', '/v1beta/models/sim-mid:generateContent', '', { model: 'sim-mid', stream: false }],
    ['POST', '/v1beta/models/sim-mid:streamGenerateContent', '?alt=sse', { model: 'sim-mid', stream: true }],
    ['POST', '/v1/models/sim%20x:streamGenerateContent', '?key=k&alt=sse', { model: 'sim x', stream: true }],
    // Without alt=sse Google answers JSON, not events.
    ['POST', '/v1beta/models/sim-mid:streamGenerateContent', '', { model: 'sim-mid', stream: false }],
    ['GET', '/v1beta/models/sim-mid:generateContent', '', undefined],
    ['POST', '/v1beta/models/sim-mid:countTokens', '', undefined],
    ['POST', '/v1/chat/completions', '', undefined],
  ] as const)('%s %s%s', (method, path, search, expected) => {
    expect(GEMINI_WIRE.matchGenerate(method, path, search)).toEqual(expected);
  });
});

describe('gemini wire: requests', () => {
  it('reads system instruction, turns, function results and the calling mode', () => {
    const prompt = decode({
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      contents: [
        {
          role: 'user',
          parts: [{ text: 'Weather?' }, { inlineData: { mimeType: 'image/png', data: 'AA==' } }],
        },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Oslo' } } }] },
        {
          role: 'user',
          parts: [{ functionResponse: { name: 'get_weather', response: { output: 'rain' } } }],
        },
      ],
      tools: [
        { googleSearch: {} },
        {
          functionDeclarations: [
            { name: 'get_weather', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } } } },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
      generationConfig: { maxOutputTokens: 50, stopSequences: ['END'], responseMimeType: 'application/json' },
    });
    expect(prompt).toMatchObject({
      model: 'sim-mid',
      messages: [
        { role: 'system', text: 'Be brief.', imageCount: 0 },
        { role: 'user', text: 'Weather?', imageCount: 1 },
        { role: 'assistant', text: 'get_weather{"city":"Oslo"}' },
        { role: 'tool', text: 'get_weather{"output":"rain"}' },
      ],
      // OpenAPI-style upper-case types are read as JSON Schema types.
      tools: [
        { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      ],
      toolChoice: { kind: 'function', name: 'get_weather' },
      parallelToolCalls: true,
      responseFormat: { kind: 'json_object' },
      maxTokens: 50,
      stop: ['END'],
      stream: false,
      includeUsage: true,
    });
  });

  it('prefers the JSON schema fields and reads a response schema as json_schema', () => {
    const schema = { type: 'object', properties: { a: { type: 'integer' } } };
    expect(
      decode({
        contents: [{ parts: [{ text: 'x' }] }],
        generationConfig: { responseMimeType: 'application/json', responseJsonSchema: schema },
      }),
    ).toMatchObject({ responseFormat: { kind: 'json_schema', schema } });
  });

  it.each([
    [{}, 'contents is not specified'],
    [{ contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] }, 'Please use a valid role: user, model.'],
    [{ contents: [{ role: 'user', parts: [] }] }, 'contents.parts must not be empty'],
    [
      {
        contents: [{ parts: [{ text: 'x' }] }],
        toolConfig: { functionCallingConfig: { mode: 'SOMETIMES' } },
      },
      "Invalid value at 'tool_config.function_calling_config.mode'",
    ],
    [
      { contents: [{ parts: [{ text: 'x' }] }], generationConfig: { maxOutputTokens: 'many' } },
      "Invalid value at 'generation_config.max_output_tokens' (TYPE_INT32)",
    ],
  ] as const)('rejects %j with a Google-worded 400', (body, message) => {
    const decoded = decode(body);
    expect(decoded).toMatchObject({ kind: 'invalid_request' });
    expect(GEMINI_WIRE.encodeError(decoded as SimError)).toMatchObject({ status: 400 });
    expect((decoded as { message: string }).message).toContain(message);
  });
});

describe('gemini wire: answers', () => {
  it('encodes a whole answer with finish reason, usage, model version and response id', () => {
    expect(JSON.parse(GEMINI_WIRE.encodeResponse(META, TEXT))).toEqual({
      candidates: [
        { content: { parts: [{ text: 'Hello there' }], role: 'model' }, finishReason: 'STOP', index: 0 },
      ],
      usageMetadata: {
        promptTokenCount: 9,
        candidatesTokenCount: 2,
        totalTokenCount: 11,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: 9 }],
      },
      modelVersion: 'sim-mid',
      responseId: 'abc1',
    });
  });

  it('encodes function calls whole, without ids, finishing STOP', () => {
    const body = JSON.parse(GEMINI_WIRE.encodeResponse(META, TOOLS)) as {
      candidates: { content: { parts: unknown[] }; finishReason: string }[];
    };
    expect(body.candidates[0]?.content.parts).toEqual([
      { functionCall: { name: 'get_weather', args: { city: 'Oslo' } } },
      { functionCall: { name: 'get_time', args: {} } },
    ]);
    expect(body.candidates[0]?.finishReason).toBe('STOP');
  });

  it('streams one event per token, the finish and full usage last, and no end marker', () => {
    const events = GEMINI_WIRE.encodeStream(META, TEXT, false);
    expect(events.map((event) => event.kind)).toEqual(['token', 'token', 'tail']);
    expect(payload(events[0]!.text)).toMatchObject({
      candidates: [{ content: { parts: [{ text: 'Hello' }] } }],
      usageMetadata: { promptTokenCount: 9 },
      responseId: 'abc1',
    });
    expect(payload(events[2]!.text)).toMatchObject({
      candidates: [{ finishReason: 'STOP' }],
      usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 2, totalTokenCount: 11 },
    });
  });

  it('streams each function call whole in one event, and drops a call whose arguments were cut', () => {
    const events = GEMINI_WIRE.encodeStream(META, TOOLS, true);
    expect(events.map((event) => event.kind)).toEqual(['token', 'token', 'tail']);
    expect(payload(events[0]!.text)).toMatchObject({
      candidates: [
        { content: { parts: [{ functionCall: { name: 'get_weather', args: { city: 'Oslo' } } }] } },
      ],
    });
    const cut: SimCompletion = { ...TOOLS, steps: TOOLS.steps.slice(0, 2), finishReason: 'length' };
    const cutEvents = GEMINI_WIRE.encodeStream(META, cut, true);
    expect(cutEvents.map((event) => event.kind)).toEqual(['tail']);
    expect(payload(cutEvents[0]!.text)).toMatchObject({ candidates: [{ finishReason: 'MAX_TOKENS' }] });
  });

  it('corrupts an event so its JSON no longer parses, keeping the framing', () => {
    const corrupted = GEMINI_WIRE.corruptEvent(GEMINI_WIRE.encodeStream(META, TEXT, false)[0]!.text);
    expect(corrupted.endsWith('\r\n\r\n')).toBe(true);
    expect(() => JSON.parse(corrupted.slice('data: '.length)) as unknown).toThrow();
  });
});

describe('gemini wire: errors', () => {
  const body = (
    error: SimError,
  ): { error: { code: number; status: string; message: string; details?: unknown[] } } =>
    JSON.parse(GEMINI_WIRE.encodeError(error).body) as never;

  it('rate limits with RESOURCE_EXHAUSTED, RetryInfo and retry-after, or neither', () => {
    const limited = GEMINI_WIRE.encodeError({ kind: 'rate_limit', model: 'sim-mid', retryAfterSeconds: 3 });
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('3');
    const parsed = body({ kind: 'rate_limit', model: 'sim-mid', retryAfterSeconds: 3 }).error;
    expect(parsed).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    expect(parsed.details).toContainEqual({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: '3s',
    });

    const bare = GEMINI_WIRE.encodeError({
      kind: 'rate_limit',
      model: 'sim-mid',
      retryAfterSeconds: undefined,
    });
    expect(bare.headers['retry-after']).toBeUndefined();
    expect(bare.body).not.toContain('RetryInfo');
  });

  it.each([
    [{ kind: 'server_error' }, 500, 'INTERNAL'],
    [{ kind: 'unavailable' }, 503, 'UNAVAILABLE'],
    [{ kind: 'not_found', message: 'models/x is not found', code: null }, 404, 'NOT_FOUND'],
    [{ kind: 'payload_too_large', limitBytes: 100 }, 400, 'INVALID_ARGUMENT'],
    [
      {
        kind: 'context_length_exceeded',
        contextWindow: 1000,
        promptTokens: 1200,
        completionTokens: undefined,
      },
      400,
      'INVALID_ARGUMENT',
    ],
  ] as const)('%j → %s %s', (error, status, name) => {
    expect(GEMINI_WIRE.encodeError(error).status).toBe(status);
    expect(body(error).error).toMatchObject({ code: status, status: name });
  });

  it("words an input over the limit as Gemini does, counting the output's room", () => {
    const error: SimError = {
      kind: 'context_length_exceeded',
      contextWindow: 1000,
      promptTokens: 900,
      completionTokens: 200,
    };
    expect(body(error).error.message).toBe(
      'The input token count (900) exceeds the maximum number of tokens allowed (800).',
    );
  });

  it('blocks a prompt with a 200 and promptFeedback, as Gemini does', () => {
    const blocked = GEMINI_WIRE.encodeError({ kind: 'content_policy' });
    expect(blocked.status).toBe(200);
    expect(JSON.parse(blocked.body)).toMatchObject({ promptFeedback: { blockReason: 'SAFETY' } });
  });
});
