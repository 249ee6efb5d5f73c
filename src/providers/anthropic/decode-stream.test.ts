import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.ts';
import type { StreamPart } from '../../core/response.ts';
import type { EventStreamEnd, ServerSentEvent } from '../transport/event-stream.ts';
import { decodeStream } from './decode-stream.ts';

const CONTEXT = {
  provider: 'anthropic-main',
  model: 'claude',
  upstreamModel: 'claude-sonnet-4-5',
  jsonMode: false,
};

/** One named SSE event, as Anthropic sends it. */
function event(data: object): ServerSentEvent {
  return { event: (data as { type: string }).type, data: JSON.stringify(data) };
}

const messageStart = (usage: object = { input_tokens: 12, output_tokens: 1 }) =>
  event({
    type: 'message_start',
    message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', usage },
  });
const blockStart = (index: number, block: object) =>
  event({ type: 'content_block_start', index, content_block: block });
const textDelta = (index: number, text: string) =>
  event({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
const jsonDelta = (index: number, partial: string) =>
  event({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: partial } });
const blockStop = (index: number) => event({ type: 'content_block_stop', index });
const messageDelta = (stopReason: string, usage: object = { output_tokens: 7 }) =>
  event({ type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage });
const messageStop = event({ type: 'message_stop' });
const ping = event({ type: 'ping' });

/** Yields each event as its own network read, then ends (or throws); records closing. */
function source(
  events: readonly ServerSentEvent[],
  ending: { throws?: GatewayError } = {},
): AsyncIterator<readonly ServerSentEvent[], EventStreamEnd, undefined> & { closed: boolean } {
  let position = 0;
  const iterator = {
    closed: false,
    next(): Promise<IteratorResult<readonly ServerSentEvent[], EventStreamEnd>> {
      const next = iterator.closed ? undefined : events[position++];
      if (next === undefined) {
        if (!iterator.closed && ending.throws !== undefined) return Promise.reject(ending.throws);
        return Promise.resolve({ done: true, value: { endedMidEvent: false } });
      }
      return Promise.resolve({ done: false, value: [next] });
    },
    return(): Promise<IteratorResult<readonly ServerSentEvent[], EventStreamEnd>> {
      iterator.closed = true;
      return Promise.resolve({ done: true, value: { endedMidEvent: false } });
    },
  };
  return iterator;
}

async function decode(
  events: readonly ServerSentEvent[],
  context = CONTEXT,
  ending: { throws?: GatewayError } = {},
): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const batch of decodeStream(source(events, ending), context)) parts.push(...batch);
  return parts;
}

const lastError = (parts: readonly StreamPart[]): GatewayError => {
  const last = parts.at(-1);
  expect(last?.type).toBe('error');
  return (last as { error: GatewayError }).error;
};

describe('decodeStream', () => {
  it('turns a text answer into ordered parts, skipping pings and empty deltas', async () => {
    const parts = await decode([
      messageStart(),
      blockStart(0, { type: 'text', text: '' }),
      ping,
      textDelta(0, 'Hel'),
      textDelta(0, ''),
      textDelta(0, 'lo'),
      blockStop(0),
      messageDelta('end_turn'),
      messageStop,
    ]);
    expect(parts).toEqual([
      {
        type: 'stream-start',
        id: 'msg_1',
        upstreamModel: 'claude-sonnet-4-5-20250929',
        created: expect.any(Number),
      },
      { type: 'text-start' },
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
      { type: 'text-end' },
      { type: 'usage', usage: { inputTokens: 12, outputTokens: 7 } },
      { type: 'finish', finishReason: { unified: 'stop', raw: 'end_turn' } },
    ]);
  });

  it('numbers tool calls from 0 whatever their block index, and ignores thinking blocks', async () => {
    const parts = await decode([
      messageStart(),
      blockStart(0, { type: 'thinking', thinking: '' }),
      event({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } }),
      event({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'x' } }),
      blockStop(0),
      blockStart(1, { type: 'text', text: '' }),
      textDelta(1, 'Checking.'),
      blockStop(1),
      blockStart(2, { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: {} }),
      jsonDelta(2, ''),
      jsonDelta(2, '{"city":'),
      jsonDelta(2, '"Paris"}'),
      blockStop(2),
      blockStart(3, { type: 'tool_use', id: 'toolu_b', name: 'get_time', input: {} }),
      blockStop(3),
      messageDelta('tool_use'),
      messageStop,
    ]);
    expect(parts.slice(1, -2)).toEqual([
      { type: 'text-start' },
      { type: 'text-delta', text: 'Checking.' },
      { type: 'text-end' },
      { type: 'tool-call-start', index: 0, id: 'toolu_a', name: 'get_weather' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '"Paris"}' },
      { type: 'tool-call-end', index: 0 },
      // A call without argument fragments still gets JSON arguments.
      { type: 'tool-call-start', index: 1, id: 'toolu_b', name: 'get_time' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{}' },
      { type: 'tool-call-end', index: 1 },
    ]);
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      finishReason: { unified: 'tool_calls', raw: 'tool_use' },
    });
  });

  it('JSON mode: the emulating tool input streams as text and the turn finishes with stop', async () => {
    const parts = await decode(
      [
        messageStart(),
        blockStart(0, { type: 'tool_use', id: 'toolu_j', name: 'json_response', input: {} }),
        jsonDelta(0, '{"city":'),
        jsonDelta(0, '"Tokyo"}'),
        blockStop(0),
        messageDelta('tool_use'),
        messageStop,
      ],
      { ...CONTEXT, jsonMode: true },
    );
    expect(parts.map((part) => part.type)).toEqual([
      'stream-start',
      'text-start',
      'text-delta',
      'text-delta',
      'text-end',
      'usage',
      'finish',
    ]);
    expect(
      parts
        .filter((part) => part.type === 'text-delta')
        .map((part) => part.text)
        .join(''),
    ).toBe('{"city":"Tokyo"}');
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: { unified: 'stop', raw: 'tool_use' } });
  });

  it('sums input, cache reads and cache writes; later usage figures replace earlier ones', async () => {
    const parts = await decode([
      messageStart({
        input_tokens: 10,
        cache_read_input_tokens: 100,
        cache_creation_input_tokens: 5,
        output_tokens: 1,
      }),
      blockStart(0, { type: 'text', text: '' }),
      textDelta(0, 'Hi'),
      blockStop(0),
      messageDelta('end_turn', { output_tokens: 42, cache_read_input_tokens: 200 }),
      messageStop,
    ]);
    expect(parts.at(-2)).toEqual({
      type: 'usage',
      usage: { inputTokens: 215, outputTokens: 42, cachedInputTokens: 200, cacheWriteTokens: 5 },
    });
  });

  it('a body that ends before message_stop is stream_truncated, even after a stop reason', async () => {
    for (const events of [
      [messageStart(), blockStart(0, { type: 'text', text: '' }), textDelta(0, 'Hi')],
      [
        messageStart(),
        blockStart(0, { type: 'text', text: '' }),
        textDelta(0, 'Hi'),
        blockStop(0),
        messageDelta('end_turn'),
      ],
      [],
    ]) {
      const parts = await decode(events);
      expect(parts[0]?.type).toBe('stream-start');
      expect(lastError(parts).code).toBe('stream_truncated');
    }
  });

  it('an error event is mapped with its retryability', async () => {
    const overloaded = await decode([
      messageStart(),
      { event: 'error', data: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}' },
    ]);
    const error = lastError(overloaded);
    expect(error.code).toBe('upstream_overloaded');
    expect(error.spec.retryable).toBe(true);
    expect(error.details).toMatchObject({ provider: 'anthropic-main', upstreamCode: 'overloaded_error' });

    const filtered = await decode([
      messageStart(),
      event({
        type: 'error',
        error: { type: 'invalid_request_error', message: 'Output blocked by content filtering policy' },
      }),
    ]);
    expect(lastError(filtered).code).toBe('content_filtered');
    expect(lastError(filtered).spec.retryable).toBe(false);
  });

  it('invalid JSON or an unexpected shape is upstream_bad_response', async () => {
    const broken = await decode([
      messageStart(),
      { event: 'content_block_delta', data: '{"type":"content_block_del' },
    ]);
    expect(lastError(broken).code).toBe('upstream_bad_response');
    const misshapen = await decode([
      messageStart(),
      event({ type: 'content_block_delta', index: '0', delta: {} }),
    ]);
    expect(lastError(misshapen).message).toMatch(/index is not a number/);
  });

  it('skips event types it does not know', async () => {
    const parts = await decode([
      messageStart(),
      event({ type: 'future_event', detail: 1 }),
      messageDelta('end_turn'),
      messageStop,
    ]);
    expect(parts.at(-1)?.type).toBe('finish');
  });

  it('passes a transport failure on with its own code and releases the source', async () => {
    const failure = new GatewayError('upstream_timeout', 'idle');
    const events = source([messageStart(), textDelta(0, 'x')], { throws: failure });
    const parts: StreamPart[] = [];
    for await (const batch of decodeStream(events, CONTEXT)) parts.push(...batch);
    expect(lastError(parts).code).toBe('upstream_timeout');
    expect(lastError(parts).details.provider).toBe('anthropic-main');
    expect(events.closed).toBe(true);
  });

  it('stops reading at message_stop', async () => {
    const events = source([messageStart(), messageDelta('max_tokens'), messageStop, textDelta(0, 'late')]);
    const parts: StreamPart[] = [];
    for await (const batch of decodeStream(events, CONTEXT)) parts.push(...batch);
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: { unified: 'length', raw: 'max_tokens' } });
    expect(events.closed).toBe(true);
  });
});
