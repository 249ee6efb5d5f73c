import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.ts';
import type { ChatRequest, Message } from '../../core/request.ts';
import { modelUrls } from './adapter.ts';
import { encodeRequest, requiresThoughtSignatures, THOUGHT_SIGNATURE_SENTINEL } from './encode-request.ts';

function request(messages: readonly Message[], extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'm', messages, sampling: {}, stream: false, includeUsage: false, metadata: {}, ...extra };
}
const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });
const toolResult = (toolCallId: string, text: string, isError?: boolean): Message => ({
  role: 'tool',
  content: [{ type: 'text', text }],
  toolCallId,
  ...(isError === undefined ? {} : { isError }),
});

function encodingError(build: () => unknown): GatewayError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  return expect.unreachable('expected encoding to fail');
}

describe('encodeRequest: tool round trips', () => {
  const parallelCalls: Message = {
    role: 'assistant',
    content: [{ type: 'text', text: 'Checking both.' }],
    toolCalls: [
      { id: 'call_1', name: 'get_weather', arguments: '{"location":"Paris"}' },
      { id: 'call_2', name: 'get_time', arguments: '' },
    ],
  };

  it('names each function response after the call it answers, and merges results into one user turn', () => {
    const body = encodeRequest(
      request([
        user('Weather and time in Paris?'),
        parallelCalls,
        // Answered out of order: the name comes from the id, not the position.
        toolResult('call_2', '"14:05"'),
        toolResult('call_1', '{"temperature":18}'),
        user('Thanks. And tomorrow?'),
      ]),
    );
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather and time in Paris?' }] },
      {
        role: 'model',
        parts: [
          { text: 'Checking both.' },
          { functionCall: { id: 'call_1', name: 'get_weather', args: { location: 'Paris' } } },
          { functionCall: { id: 'call_2', name: 'get_time', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { id: 'call_2', name: 'get_time', response: { output: '14:05' } } },
          { functionResponse: { id: 'call_1', name: 'get_weather', response: { temperature: 18 } } },
          { text: 'Thanks. And tomorrow?' },
        ],
      },
    ]);
  });

  it('wraps plain-text and array results as output, and failures as error', () => {
    const body = encodeRequest(
      request([
        user('go'),
        parallelCalls,
        toolResult('call_1', 'sunny, 18 degrees'),
        toolResult('call_2', '{"reason":"timezone service down"}', true),
      ]),
    );
    expect(body.contents[2]?.parts).toEqual([
      { functionResponse: { id: 'call_1', name: 'get_weather', response: { output: 'sunny, 18 degrees' } } },
      {
        functionResponse: {
          id: 'call_2',
          name: 'get_time',
          response: { error: { reason: 'timezone service down' } },
        },
      },
    ]);
    const arrayResult = encodeRequest(request([user('go'), parallelCalls, toolResult('call_1', '[1,2]')]));
    expect(arrayResult.contents[2]?.parts[0]).toMatchObject({
      functionResponse: { response: { output: [1, 2] } },
    });
  });

  it('rejects a result that answers no earlier call, naming the field', () => {
    const error = encodingError(() => encodeRequest(request([user('go'), toolResult('call_9', 'x')])));
    expect(error.code).toBe('invalid_request');
    expect(error.details.param).toBe('messages[1].toolCallId');
  });

  it('rejects call arguments that are not a JSON object', () => {
    for (const [text, fragment] of [
      ['{"location":', 'not JSON'],
      ['[1]', 'not a JSON object'],
    ] as const) {
      const call: Message = {
        role: 'assistant',
        content: [],
        toolCalls: [{ id: 'c', name: 'get_weather', arguments: text }],
      };
      const error = encodingError(() => encodeRequest(request([user('go'), call])));
      expect(error.code).toBe('invalid_request');
      expect(error.message).toContain(fragment);
      expect(error.details.param).toBe('messages[1].toolCalls[0].arguments');
    }
  });

  it('maps tool choice to the function-calling mode', () => {
    const tools = [{ name: 'a', parameters: { type: 'object' } }];
    const mode = (toolChoice: ChatRequest['toolChoice']) =>
      encodeRequest(request([user('x')], { tools, toolChoice })).toolConfig;
    expect(mode({ type: 'auto' })).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(mode({ type: 'none' })).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(mode({ type: 'required' })).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(mode({ type: 'tool', name: 'a' })).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['a'] },
    });
    // Without declarations a mode means nothing, so none is sent.
    expect(
      encodeRequest(request([user('x')], { toolChoice: { type: 'required' } })).toolConfig,
    ).toBeUndefined();
  });
});

describe('encodeRequest: schemas', () => {
  const schema = {
    type: 'object',
    properties: { tags: { type: 'array', items: { $ref: '#/$defs/tag' } } },
    $defs: { tag: { type: 'string', const: 'x' } },
    additionalProperties: false,
  };

  it('sends tool and response schemas as full JSON Schema, untouched', () => {
    const body = encodeRequest(
      request([user('x')], {
        tools: [{ name: 'tag', parameters: schema, strict: true }],
        responseFormat: { type: 'json_schema', name: 'tags', schema, strict: true },
      }),
    );
    expect(body.tools?.[0].functionDeclarations[0]?.parametersJsonSchema).toBe(schema);
    expect(body.generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseJsonSchema: schema,
    });
  });

  it('sends no generation config when nothing is set, and none for a text format', () => {
    expect(encodeRequest(request([user('x')], { responseFormat: { type: 'text' } }))).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'x' }] }],
    });
  });
});

describe('encodeRequest: messages and images', () => {
  it('collects system messages wherever they are and skips empty turns', () => {
    const body = encodeRequest(
      request([
        { role: 'system', content: [{ type: 'text', text: 'Be terse.' }] },
        user('a'),
        { role: 'assistant', content: [] },
        { role: 'system', content: [{ type: 'text', text: 'Answer in French.' }] },
        user('b'),
      ]),
    );
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'Be terse.' }, { text: 'Answer in French.' }] });
    expect(body.contents).toEqual([{ role: 'user', parts: [{ text: 'a' }, { text: 'b' }] }]);
  });

  it('passes http(s) and gs:// URLs as file data, with the type the extension implies', () => {
    const image = (url: string) => ({ type: 'image' as const, source: { kind: 'url' as const, url } });
    const body = encodeRequest(
      request([
        {
          role: 'user',
          content: [
            image('gs://bucket/cat.PNG'),
            image('https://example.com/photo.webp?size=large'),
            image('https://generativelanguage.googleapis.com/v1beta/files/abc123'),
          ],
        },
      ]),
    );
    expect(body.contents[0]?.parts).toEqual([
      { fileData: { mimeType: 'image/png', fileUri: 'gs://bucket/cat.PNG' } },
      { fileData: { mimeType: 'image/webp', fileUri: 'https://example.com/photo.webp?size=large' } },
      { fileData: { fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc123' } },
    ]);
  });

  it('rejects image URLs Gemini cannot reach, and images in the system instruction', () => {
    const ftp: Message = {
      role: 'user',
      content: [
        { type: 'text', text: 'look' },
        { type: 'image', source: { kind: 'url', url: 'ftp://example.com/a.png' } },
      ],
    };
    const error = encodingError(() => encodeRequest(request([ftp])));
    expect(error.code).toBe('unsupported_parameter');
    expect(error.details.param).toBe('messages[0].content[1]');

    const system: Message = { ...ftp, role: 'system' };
    expect(encodingError(() => encodeRequest(request([system, user('x')]))).details.param).toBe(
      'messages[0].content[1]',
    );
  });
});

describe('modelUrls', () => {
  it('puts the model in the path, alt=sse on streams, and the provider query after', () => {
    expect(modelUrls('https://g.example/v1beta', 'gemini-2.5-flash', '')).toEqual({
      generate: 'https://g.example/v1beta/models/gemini-2.5-flash:generateContent',
      stream: 'https://g.example/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    });
    expect(modelUrls('https://g.example/v1', 'tunedModels/my-tune', 'quotaUser=a')).toEqual({
      generate: 'https://g.example/v1/tunedModels/my-tune:generateContent?quotaUser=a',
      stream: 'https://g.example/v1/tunedModels/my-tune:streamGenerateContent?alt=sse&quotaUser=a',
    });
  });
});

describe('thought signatures on replayed calls', () => {
  const replay: ChatRequest = {
    model: 'm',
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'go' }] },
      {
        role: 'assistant',
        content: [],
        toolCalls: [
          { id: 'call_1', name: 'a', arguments: '{}' },
          { id: 'call_2', name: 'b', arguments: '{}' },
        ],
      },
      { role: 'tool', toolCallId: 'call_1', content: [{ type: 'text', text: '1' }] },
      { role: 'tool', toolCallId: 'call_2', content: [{ type: 'text', text: '2' }] },
    ],
    sampling: {},
    stream: false,
    includeUsage: false,
    metadata: {},
  };

  it('Gemini 3 and later validate them; earlier models do not', () => {
    expect(requiresThoughtSignatures('gemini-3-pro-preview')).toBe(true);
    expect(requiresThoughtSignatures('gemini-3.1-flash')).toBe(true);
    expect(requiresThoughtSignatures('models/gemini-4-argon')).toBe(true);
    expect(requiresThoughtSignatures('gemini-2.5-flash')).toBe(false);
    expect(requiresThoughtSignatures('sim-long')).toBe(false);
  });

  it('the first call of a replayed turn carries Google’s sentinel, later parallel calls none', () => {
    const parts = encodeRequest(replay, { signReplayedCalls: true }).contents[1]!.parts;
    expect(parts[0]).toMatchObject({
      thoughtSignature: THOUGHT_SIGNATURE_SENTINEL,
      functionCall: { name: 'a' },
    });
    expect(parts[1]).not.toHaveProperty('thoughtSignature');
    expect(encodeRequest(replay).contents[1]!.parts[0]).not.toHaveProperty('thoughtSignature');
  });
});
