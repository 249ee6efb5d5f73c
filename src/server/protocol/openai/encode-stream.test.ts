import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../core/errors.ts';
import type { StreamPart } from '../../../core/response.ts';
import { createOpenAIStreamEncoder } from './encode-stream.ts';

function frames(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter((frame) => frame !== '')
    .map((frame) => frame.replace(/^data: /, ''))
    .map((data): unknown => (data === '[DONE]' ? data : JSON.parse(data)));
}

const start: StreamPart = {
  type: 'stream-start',
  id: 'chatcmpl-1',
  upstreamModel: 'sim-mid',
  created: 1700000000,
};

describe('OpenAI stream encoder', () => {
  it('encodes text, finish, usage and [DONE] in OpenAI chunk shapes', () => {
    const encoder = createOpenAIStreamEncoder({ includeUsage: true });
    const parts: StreamPart[] = [
      start,
      { type: 'text-start' },
      { type: 'text-delta', text: 'Hel"lo' },
      { type: 'text-end' },
      { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' } },
      { type: 'usage', usage: { inputTokens: 5, outputTokens: 2, cachedInputTokens: 1 } },
    ];
    const out = frames(parts.map((part) => encoder.encode(part)).join('') + encoder.end());
    expect(out).toEqual([
      {
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1700000000,
        model: 'sim-mid',
        choices: [
          { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
        ],
      },
      {
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1700000000,
        model: 'sim-mid',
        choices: [{ index: 0, delta: { content: 'Hel"lo' }, logprobs: null, finish_reason: null }],
      },
      {
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1700000000,
        model: 'sim-mid',
        choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }],
      },
      {
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1700000000,
        model: 'sim-mid',
        choices: [],
        usage: {
          prompt_tokens: 5,
          completion_tokens: 2,
          total_tokens: 7,
          prompt_tokens_details: { cached_tokens: 1 },
        },
      },
      '[DONE]',
    ]);
  });

  it('omits usage when the client did not ask for it', () => {
    const encoder = createOpenAIStreamEncoder({ includeUsage: false });
    encoder.encode(start);
    encoder.encode({ type: 'usage', usage: { inputTokens: 5, outputTokens: 2 } });
    expect(frames(encoder.end())).toEqual(['[DONE]']);
  });

  it('encodes streamed tool calls by index', () => {
    const encoder = createOpenAIStreamEncoder({ includeUsage: false });
    encoder.encode(start);
    const [first] = frames(
      encoder.encode({ type: 'tool-call-start', index: 0, id: 'call_9', name: 'lookup' }),
    ) as { choices: { delta: unknown }[] }[];
    expect(first!.choices[0]!.delta).toEqual({
      tool_calls: [{ index: 0, id: 'call_9', type: 'function', function: { name: 'lookup', arguments: '' } }],
    });
    const [second] = frames(
      encoder.encode({ type: 'tool-call-delta', index: 0, argumentsDelta: '{"q":' }),
    ) as { choices: { delta: unknown }[] }[];
    expect(second!.choices[0]!.delta).toEqual({
      tool_calls: [{ index: 0, function: { arguments: '{"q":' } }],
    });
  });

  it('reports a failure as an error object, never as a clean end', () => {
    const encoder = createOpenAIStreamEncoder({ includeUsage: false });
    encoder.encode(start);
    const out = frames(
      encoder.encode({
        type: 'error',
        error: new GatewayError('stream_truncated', 'upstream cut the stream'),
      }),
    );
    expect(out).toEqual([
      {
        error: {
          message: 'upstream cut the stream',
          type: 'server_error',
          param: null,
          code: 'stream_truncated',
        },
      },
    ]);
  });
});
