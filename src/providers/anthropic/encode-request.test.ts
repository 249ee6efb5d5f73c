import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.ts';
import type { ChatRequest, Message } from '../../core/request.ts';
import { encodeRequest, encodeToolChoice } from './encode-request.ts';

const OPTIONS = { upstreamModel: 'claude-sonnet-4-5', stream: false, defaultMaxTokens: 8192 };

function request(messages: readonly Message[], extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'm', messages, sampling: {}, stream: false, includeUsage: false, metadata: {}, ...extra };
}
const text = (role: Message['role'], value: string): Message => ({
  role,
  content: [{ type: 'text', text: value }],
});

function thrown(action: () => unknown): GatewayError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  return expect.unreachable('expected a GatewayError');
}

describe('encodeRequest', () => {
  it('uses the client cap for max_tokens, else the default it is given', () => {
    expect(encodeRequest(request([text('user', 'hi')]), OPTIONS).max_tokens).toBe(8192);
    expect(encodeRequest(request([text('user', 'hi')], { maxOutputTokens: 50 }), OPTIONS).max_tokens).toBe(
      50,
    );
  });

  it('moves every system message to the top-level system, in order', () => {
    const body = encodeRequest(
      request([text('system', 'Be terse.'), text('user', 'hi'), text('system', 'Answer in French.')]),
      OPTIONS,
    );
    expect(body.system).toBe('Be terse.\n\nAnswer in French.');
    expect(body.messages).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('merges consecutive turns of the same role into one', () => {
    const body = encodeRequest(
      request([
        text('user', 'first'),
        text('user', 'second'),
        text('assistant', 'ok'),
        text('assistant', 'more'),
      ]),
      OPTIONS,
    );
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'first' },
          { type: 'text', text: 'second' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'ok' },
          { type: 'text', text: 'more' },
        ],
      },
    ]);
  });

  it('carries a tool round trip: tool_use blocks, then all results in one user turn', () => {
    const body = encodeRequest(
      request([
        text('user', 'Weather in Paris and Rome?'),
        {
          role: 'assistant',
          content: [{ type: 'text', text: 'Checking.' }],
          toolCalls: [
            { id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
            { id: 'toolu_2', name: 'get_weather', arguments: '' },
          ],
        },
        { role: 'tool', toolCallId: 'toolu_1', content: [{ type: 'text', text: '18C' }] },
        { role: 'tool', toolCallId: 'toolu_2', content: [{ type: 'text', text: 'no data' }], isError: true },
        text('user', 'Thanks, and tomorrow?'),
      ]),
      OPTIONS,
    );
    expect(body.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: 'no data', is_error: true },
          { type: 'text', text: 'Thanks, and tomorrow?' },
        ],
      },
    ]);
  });

  it('rejects tool-call arguments that are not a JSON object, naming the field', () => {
    for (const bad of ['{"city":', '[1,2]']) {
      const error = thrown(() =>
        encodeRequest(
          request([
            text('user', 'hi'),
            { role: 'assistant', content: [], toolCalls: [{ id: 'c1', name: 'f', arguments: bad }] },
          ]),
          OPTIONS,
        ),
      );
      expect(error.code).toBe('invalid_request');
      expect(error.details.param).toBe('messages[1].tool_calls[0].function.arguments');
    }
  });

  it('encodes images by URL and inline, and rejects images in a system message', () => {
    const body = encodeRequest(
      request([
        {
          role: 'user',
          content: [
            { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: 'AAAA' } },
          ],
        },
      ]),
      OPTIONS,
    );
    expect(body.messages[0]?.content).toEqual([
      { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'AAAA' } },
    ]);
    const error = thrown(() =>
      encodeRequest(
        request([
          {
            role: 'system',
            content: [{ type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } }],
          },
        ]),
        OPTIONS,
      ),
    );
    expect(error.details.param).toBe('messages[0].content');
  });

  it('maps sampling, stop sequences (dropping whitespace-only ones) and the end user', () => {
    const body = encodeRequest(
      request([text('user', 'hi')], {
        sampling: { temperature: 0.5, topP: 0.8, topK: 40, stop: ['\n', '###'], seed: 1, presencePenalty: 1 },
        user: 'u-1',
        metadata: { team: 'a' },
      }),
      { ...OPTIONS, stream: true },
    );
    expect(body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 8192,
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.5,
      top_p: 0.8,
      top_k: 40,
      stop_sequences: ['###'],
      metadata: { user_id: 'u-1' },
      stream: true,
    });
  });

  it('sends tool_choice only with tools', () => {
    const body = encodeRequest(request([text('user', 'hi')], { toolChoice: { type: 'required' } }), OPTIONS);
    expect(body.tool_choice).toBeUndefined();
  });
});

describe('encodeToolChoice', () => {
  it('maps each choice, and carries parallelToolCalls false as disable_parallel_tool_use', () => {
    expect(encodeToolChoice(undefined, undefined)).toBeUndefined();
    expect(encodeToolChoice(undefined, false)).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(encodeToolChoice({ type: 'auto' }, true)).toEqual({ type: 'auto' });
    expect(encodeToolChoice({ type: 'required' }, false)).toEqual({
      type: 'any',
      disable_parallel_tool_use: true,
    });
    expect(encodeToolChoice({ type: 'tool', name: 'f' }, undefined)).toEqual({ type: 'tool', name: 'f' });
    expect(encodeToolChoice({ type: 'none' }, false)).toEqual({ type: 'none' });
  });
});

describe('JSON mode emulation', () => {
  it('json_object: one forced tool with an object schema', () => {
    const body = encodeRequest(
      request([text('user', 'hi')], { responseFormat: { type: 'json_object' } }),
      OPTIONS,
    );
    expect(body.tools).toEqual([
      { name: 'json_response', description: expect.any(String) as unknown, input_schema: { type: 'object' } },
    ]);
    expect(body.tool_choice).toEqual({
      type: 'tool',
      name: 'json_response',
      disable_parallel_tool_use: true,
    });
  });

  it('json_schema: the schema becomes the tool input schema', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } } };
    const body = encodeRequest(
      request([text('user', 'hi')], { responseFormat: { type: 'json_schema', name: 'city', schema } }),
      OPTIONS,
    );
    expect(body.tools?.[0]).toMatchObject({ name: 'json_response', input_schema: schema });
  });

  it('text format changes nothing', () => {
    const body = encodeRequest(request([text('user', 'hi')], { responseFormat: { type: 'text' } }), OPTIONS);
    expect(body.tools).toBeUndefined();
  });

  it('cannot be combined with client tools, nor with a non-object schema', () => {
    const withTools = thrown(() =>
      encodeRequest(
        request([text('user', 'hi')], {
          responseFormat: { type: 'json_object' },
          tools: [{ name: 'f', parameters: { type: 'object' } }],
        }),
        OPTIONS,
      ),
    );
    expect(withTools.code).toBe('unsupported_parameter');
    expect(withTools.details.param).toBe('response_format');
    const arraySchema = thrown(() =>
      encodeRequest(
        request([text('user', 'hi')], {
          responseFormat: { type: 'json_schema', name: 'list', schema: { type: 'array' } },
        }),
        OPTIONS,
      ),
    );
    expect(arraySchema.code).toBe('unsupported_parameter');
  });
});
