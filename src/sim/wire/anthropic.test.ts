import { describe, expect, it } from 'vitest';
import { isSimError, type SimCompletion, type SimError, type SimPrompt } from '../types.ts';
import {
  ANTHROPIC_WIRE,
  corruptAnthropicEvent,
  encodeAnthropicError,
  encodeAnthropicResponse,
  encodeAnthropicStream,
} from './anthropic.ts';

const META = { id: 'msg_sim1', created: 1_700_000_000, model: 'sim-mid' };
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
    { kind: 'tool-start', index: 0, id: 'call_abc', name: 'get_weather' },
    { kind: 'tool-arguments', index: 0, text: '{"city":' },
    { kind: 'tool-arguments', index: 0, text: '"Oslo"}' },
    { kind: 'tool-start', index: 1, id: 'call_def', name: 'get_time' },
    { kind: 'tool-arguments', index: 1, text: '{}' },
  ],
  finishReason: 'tool_calls',
  promptTokens: 30,
  completionTokens: 5,
};

function decode(body: object): SimPrompt | SimError {
  return ANTHROPIC_WIRE.decodeRequest(body, {});
}
const minimal = { model: 'sim-mid', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

/** The event names and data payloads of an encoded stream, in order. */
function sseEvents(text: string): { event: string; data: unknown }[] {
  return text
    .split('\n\n')
    .filter((block) => block.length > 0)
    .map((block) => {
      const [eventLine = '', dataLine = ''] = block.split('\n');
      return { event: eventLine.slice('event: '.length), data: JSON.parse(dataLine.slice('data: '.length)) };
    });
}

describe('anthropic wire: requests', () => {
  it('matches POST /v1/messages only', () => {
    expect(ANTHROPIC_WIRE.matchGenerate('POST', '/v1/messages', '')).toEqual({});
    expect(ANTHROPIC_WIRE.matchGenerate('POST', '/v1/chat/completions', '')).toBeUndefined();
    expect(ANTHROPIC_WIRE.matchGenerate('GET', '/v1/messages', '')).toBeUndefined();
  });

  it('decodes system, blocks, tools and tool_choice', () => {
    const prompt = decode({
      ...minimal,
      system: [{ type: 'text', text: 'Be terse.' }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather?' },
            { type: 'image', source: {} },
          ],
        },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 't1', name: 'get_weather', input: { city: 'Oslo' } }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: '4C' }] },
      ],
      tools: [
        { name: 'get_weather', input_schema: { type: 'object' } },
        { type: 'web_search_20250305', name: 'web_search' },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      stop_sequences: ['END'],
      stream: true,
    });
    expect(isSimError(prompt)).toBe(false);
    expect(prompt).toMatchObject({
      model: 'sim-mid',
      maxTokens: 100,
      messages: [
        { role: 'system', text: 'Be terse.' },
        { role: 'user', text: 'Weather?', imageCount: 1 },
        { role: 'assistant', text: 'get_weather{"city":"Oslo"}' },
        { role: 'user', text: '4C' },
      ],
      tools: [{ name: 'get_weather' }],
      toolChoice: { kind: 'required' },
      parallelToolCalls: false,
      stop: ['END'],
      stream: true,
      includeUsage: true,
    });
  });

  it.each([
    [{ model: 'sim-mid', messages: minimal.messages }, 'max_tokens: Field required'],
    [{ ...minimal, max_tokens: 0 }, 'max_tokens: Input should be greater than or equal to 1'],
    [{ ...minimal, messages: [] }, 'messages: at least one message is required'],
    [
      { ...minimal, messages: [{ role: 'system', content: 'x' }] },
      "messages.0.role: Input should be 'user' or 'assistant'",
    ],
    [
      { ...minimal, stop_sequences: ['\n'] },
      'stop_sequences: each stop sequence must contain non-whitespace',
    ],
    [
      {
        ...minimal,
        tools: [{ name: 'f', input_schema: { type: 'object' } }],
        tool_choice: { type: 'tool', name: 'g' },
      },
      "tool_choice.name: tool 'g' was not found in tools",
    ],
  ])('rejects %j with "%s"', (body, message) => {
    expect(decode(body)).toMatchObject({ kind: 'invalid_request', message });
  });
});

describe('anthropic wire: responses', () => {
  it('encodes a text message', () => {
    expect(JSON.parse(encodeAnthropicResponse(META, TEXT))).toEqual({
      id: 'msg_sim1',
      type: 'message',
      role: 'assistant',
      model: 'sim-mid',
      content: [{ type: 'text', text: 'Hello there' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: 9,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: 2,
        service_tier: 'standard',
      },
    });
  });

  it('encodes tool calls as tool_use blocks with toolu_ ids and object inputs', () => {
    const message = JSON.parse(encodeAnthropicResponse(META, TOOLS)) as {
      content: unknown;
      stop_reason: string;
    };
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'tool_use', id: 'toolu_abc', name: 'get_weather', input: { city: 'Oslo' } },
      { type: 'tool_use', id: 'toolu_def', name: 'get_time', input: {} },
    ]);
  });

  it('streams named events, with message_stop as the terminator', () => {
    const events = encodeAnthropicStream(META, { ...TEXT, finishReason: 'length' });
    expect(events.map((event) => event.kind)).toEqual([
      'head',
      'head',
      'head',
      'token',
      'token',
      'tail',
      'tail',
      'terminator',
    ]);
    const parsed = sseEvents(events.map((event) => event.text).join(''));
    expect(parsed.map((event) => event.event)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    for (const event of parsed) expect((event.data as { type: string }).type).toBe(event.event);
    expect(parsed[6]?.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'max_tokens', stop_sequence: null },
      usage: { output_tokens: 2 },
    });
  });

  it('streams each tool call as its own block, closing the previous one with the next start', () => {
    const events = encodeAnthropicStream(META, TOOLS);
    const parsed = sseEvents(events.map((event) => event.text).join(''));
    expect(
      parsed.map((event) => `${event.event}:${String((event.data as { index?: number }).index ?? '')}`),
    ).toEqual([
      'message_start:',
      'ping:',
      'content_block_start:0',
      'content_block_delta:0',
      'content_block_delta:0',
      'content_block_stop:0',
      'content_block_start:1',
      'content_block_delta:1',
      'content_block_stop:1',
      'message_delta:',
      'message_stop:',
    ]);
    expect(events.filter((event) => event.kind === 'token')).toHaveLength(TOOLS.steps.length);
  });

  it('corrupts an event so its JSON cannot parse, keeping the framing', () => {
    const event = encodeAnthropicStream(META, TEXT)[3]!.text;
    const corrupted = corruptAnthropicEvent(event);
    expect(corrupted.startsWith('event: content_block_delta\ndata: {')).toBe(true);
    expect(corrupted.endsWith('\n\n')).toBe(true);
    const data = corrupted.slice(corrupted.indexOf('data: ') + 'data: '.length, -2);
    expect(() => JSON.parse(data) as unknown).toThrow();
  });
});

describe('anthropic wire: errors', () => {
  it.each([
    [
      { kind: 'invalid_request', message: 'bad', param: null, code: null },
      400,
      'invalid_request_error',
      'bad',
    ],
    [{ kind: 'not_found', message: 'model: x', code: null }, 404, 'not_found_error', 'model: x'],
    [
      { kind: 'payload_too_large', limitBytes: 10 },
      413,
      'request_too_large',
      /maximum allowed number of bytes/,
    ],
    [{ kind: 'rate_limit', model: 'sim-mid', retryAfterSeconds: 2 }, 429, 'rate_limit_error', /rate limit/],
    [{ kind: 'server_error' }, 500, 'api_error', 'Internal server error'],
    [{ kind: 'unavailable' }, 529, 'overloaded_error', 'Overloaded'],
    [
      { kind: 'context_length_exceeded', contextWindow: 100, promptTokens: 150, completionTokens: undefined },
      400,
      'invalid_request_error',
      'prompt is too long: 150 tokens > 100 maximum',
    ],
    [
      { kind: 'context_length_exceeded', contextWindow: 100, promptTokens: 60, completionTokens: 50 },
      400,
      'invalid_request_error',
      /^input length and `max_tokens` exceed context limit: 60 \+ 50 > 100/,
    ],
    [{ kind: 'content_policy' }, 400, 'invalid_request_error', 'Output blocked by content filtering policy'],
  ] as const)('%j → %i %s', (error, status, type, message) => {
    const encoded = encodeAnthropicError(error);
    expect(encoded.status).toBe(status);
    const body = JSON.parse(encoded.body) as {
      type: string;
      error: { type: string; message: string };
      request_id: string;
    };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe(type);
    if (typeof message === 'string') expect(body.error.message).toBe(message);
    else expect(body.error.message).toMatch(message);
    expect(encoded.headers['request-id']).toBe(body.request_id);
    expect(body.request_id).toMatch(/^req_/);
  });

  it('a rate limit carries retry-after and anthropic-ratelimit-* headers', () => {
    const { headers } = encodeAnthropicError({ kind: 'rate_limit', model: 'sim-mid', retryAfterSeconds: 4 });
    expect(headers['retry-after']).toBe('4');
    expect(headers['anthropic-ratelimit-requests-remaining']).toBe('0');
    expect(Date.parse(headers['anthropic-ratelimit-requests-reset'] ?? '')).toBeGreaterThan(Date.now());
    const without = encodeAnthropicError({
      kind: 'rate_limit',
      model: 'sim-mid',
      retryAfterSeconds: undefined,
    });
    expect(without.headers['retry-after']).toBeUndefined();
  });
});
