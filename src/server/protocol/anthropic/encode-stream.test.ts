import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../core/errors.ts';
import type { StreamPart } from '../../../core/response.ts';
import { createAnthropicStreamEncoder } from './encode-stream.ts';

interface Event {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

function encodeAll(parts: readonly StreamPart[], end = true): Event[] {
  const encoder = createAnthropicStreamEncoder();
  let text = parts.map((part) => encoder.encode(part)).join('');
  if (end) text += encoder.end();
  return text
    .split('\n\n')
    .filter((frame) => frame !== '')
    .map((frame) => {
      const [eventLine, dataLine] = frame.split('\n');
      return {
        event: eventLine!.slice('event: '.length),
        data: JSON.parse(dataLine!.slice('data: '.length)) as Record<string, unknown>,
      };
    });
}

const start: StreamPart = { type: 'stream-start', id: 'chatcmpl-1', upstreamModel: 'gpt-4o', created: 1 };

describe('Anthropic stream encoder', () => {
  it('emits the documented event order for text, with usage and stop reason in message_delta', () => {
    const events = encodeAll([
      start,
      { type: 'text-start' },
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
      { type: 'text-end' },
      { type: 'usage', usage: { inputTokens: 12, outputTokens: 2, cachedInputTokens: 4 } },
      { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' } },
    ]);
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0]!.data).toMatchObject({
      message: { id: 'chatcmpl-1', model: 'gpt-4o', role: 'assistant' },
    });
    expect(events[3]!.data).toEqual({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: 'Hel' },
    });
    expect(events[6]!.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: {
        input_tokens: 8,
        output_tokens: 2,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 4,
      },
    });
  });

  it('closes text before a tool call, numbers blocks in order and streams arguments as input_json_delta', () => {
    const events = encodeAll([
      start,
      { type: 'text-delta', text: 'Let me check.' },
      { type: 'tool-call-start', index: 0, id: 'call_a', name: 'weather' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '"Paris"}' },
      { type: 'tool-call-start', index: 1, id: 'call_b', name: 'time' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{}' },
      { type: 'finish', finishReason: { unified: 'tool_calls', raw: 'tool_calls' } },
    ]);
    const starts = events.filter((e) => e.event === 'content_block_start').map((e) => e.data);
    expect(starts).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: 'call_a', name: 'weather', input: {} },
      },
      {
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'tool_use', id: 'call_b', name: 'time', input: {} },
      },
    ]);
    const stops = events.filter((e) => e.event === 'content_block_stop').map((e) => e.data.index);
    expect(stops).toEqual([0, 1, 2]);
    const json = events
      .filter((e) => e.event === 'content_block_delta' && e.data.index === 1)
      .map((e) => (e.data.delta as { partial_json: string }).partial_json)
      .join('');
    expect(JSON.parse(json)).toEqual({ city: 'Paris' });
    expect(events.at(-2)!.data).toMatchObject({ delta: { stop_reason: 'tool_use' } });
  });

  it('keeps an Anthropic upstream’s own stop reason', () => {
    const events = encodeAll([
      start,
      { type: 'finish', finishReason: { unified: 'stop', raw: 'stop_sequence' } },
    ]);
    expect(events.at(-2)!.data).toMatchObject({ delta: { stop_reason: 'stop_sequence' } });
  });

  it('a failure is an error event and nothing after it: no message_stop', () => {
    const error = new GatewayError('upstream_overloaded', 'Overloaded');
    const events = encodeAll([start, { type: 'text-delta', text: 'Hi' }, { type: 'error', error }], false);
    expect(events.at(-1)).toEqual({
      event: 'error',
      data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    });
    expect(events.some((e) => e.event === 'message_stop')).toBe(false);
  });
});
