import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.ts';
import type { StreamPart } from '../../core/response.ts';
import type { EventStreamEnd, ServerSentEvent } from '../transport/event-stream.ts';
import { decodeStream } from './decode-stream.ts';

const CONTEXT = { provider: 'openai-main', model: 'gpt-4o', upstreamModel: 'gpt-4o-2024-08-06' };

function chunk(delta: object | null, finishReason: string | null = null, extra: object = {}): string {
  return JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1700000000,
    model: 'gpt-4o-2024-08-06',
    choices: delta === null ? [] : [{ index: 0, delta, finish_reason: finishReason }],
    ...extra,
  });
}

/**
 * An event source that yields the given data payloads one per batch (as one network read each), then
 * ends (or throws), and records closing.
 */
function events(
  payloads: readonly (string | ServerSentEvent)[],
  ending: { throws?: GatewayError } = {},
): AsyncIterator<readonly ServerSentEvent[], EventStreamEnd, undefined> & { closed: boolean } {
  let position = 0;
  const source = {
    closed: false,
    next(): Promise<IteratorResult<readonly ServerSentEvent[], EventStreamEnd>> {
      if (source.closed) return Promise.resolve({ done: true, value: { endedMidEvent: false } });
      const payload = payloads[position++];
      if (payload === undefined) {
        if (ending.throws !== undefined) return Promise.reject(ending.throws);
        return Promise.resolve({ done: true, value: { endedMidEvent: false } });
      }
      const event = typeof payload === 'string' ? { data: payload } : payload;
      return Promise.resolve({ done: false, value: [event] });
    },
    return(): Promise<IteratorResult<readonly ServerSentEvent[], EventStreamEnd>> {
      source.closed = true;
      return Promise.resolve({ done: true, value: { endedMidEvent: false } });
    },
  };
  return source;
}

async function decode(
  source: AsyncIterator<readonly ServerSentEvent[], EventStreamEnd, undefined>,
): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const batch of decodeStream(source, CONTEXT)) parts.push(...batch);
  return parts;
}

const usage = { prompt_tokens: 5, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 3 } };

describe('decodeStream', () => {
  it('turns text chunks, the usage chunk and [DONE] into ordered parts', async () => {
    const parts = await decode(
      events([
        chunk({ role: 'assistant', content: '' }),
        chunk({ content: 'Hi' }),
        chunk({ content: ' there' }),
        chunk({}, 'stop'),
        chunk(null, null, { usage }),
        '[DONE]',
      ]),
    );
    expect(parts).toEqual([
      { type: 'stream-start', id: 'chatcmpl-1', upstreamModel: 'gpt-4o-2024-08-06', created: 1700000000 },
      { type: 'text-start' },
      { type: 'text-delta', text: 'Hi' },
      { type: 'text-delta', text: ' there' },
      { type: 'text-end' },
      { type: 'usage', usage: { inputTokens: 5, outputTokens: 2, cachedInputTokens: 3 } },
      { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' } },
    ]);
  });

  it('accepts a finish_reason without [DONE] as complete', async () => {
    const parts = await decode(events([chunk({ content: 'Hi' }), chunk({}, 'length')]));
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: { unified: 'length', raw: 'length' } });
  });

  it('treats [DONE] without any finish_reason as a finish with no raw reason', async () => {
    const parts = await decode(events([chunk({ content: 'Hi' }), '[DONE]']));
    expect(parts.slice(-2)).toEqual([
      { type: 'text-end' },
      { type: 'finish', finishReason: { unified: 'other', raw: null } },
    ]);
  });

  it('reports a body that ends before any finish_reason as stream_truncated', async () => {
    const parts = await decode(events([chunk({ content: 'Hi' })]));
    expect(parts.at(-1)).toMatchObject({
      type: 'error',
      error: { code: 'stream_truncated', details: { provider: 'openai-main' } },
    });
  });

  it('starts the stream even when the first event is already an error', async () => {
    const parts = await decode(events([]));
    expect(parts.map((part) => part.type)).toEqual(['stream-start', 'error']);
    expect(parts[0]).toMatchObject({ id: '', upstreamModel: 'gpt-4o-2024-08-06' });
  });

  it('passes a transport failure on as the error part, tagged with the provider', async () => {
    const reset = new GatewayError('upstream_connection_failed', 'socket reset');
    const parts = await decode(events([chunk({ content: 'Hi' })], { throws: reset }));
    const last = parts.at(-1);
    expect(last).toMatchObject({
      type: 'error',
      error: { code: 'upstream_connection_failed', details: { provider: 'openai-main' } },
    });
  });

  it('keeps an abort reason by identity', async () => {
    const deadline = new GatewayError('deadline_exceeded', 'late');
    const parts = await decode(events([], { throws: deadline }));
    expect(parts.at(-1)).toEqual({ type: 'error', error: deadline });
  });

  it('stops at a malformed chunk and closes the event source', async () => {
    const source = events([chunk({ content: 'Hi' }), '{"id":"chatcmpl-1","cho', chunk({}, 'stop'), '[DONE]']);
    const parts = await decode(source);
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'upstream_bad_response' } });
    expect(source.closed).toBe(true);
  });

  it('rejects a JSON chunk of the wrong shape', async () => {
    const parts = await decode(events(['{"choices":"nope"}']));
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'upstream_bad_response' } });
  });

  it('maps an in-stream error object, including vLLM numeric codes and `event: error`', async () => {
    const openAI = await decode(
      events(['{"error":{"message":"Rate limited","type":"requests","code":"rate_limit_exceeded"}}']),
    );
    expect(openAI.at(-1)).toMatchObject({
      type: 'error',
      error: { code: 'upstream_rate_limited', message: 'Rate limited' },
    });
    const vllm = await decode(
      events(['{"object":"error","error":{"message":"too long","type":"BadRequestError","code":400}}']),
    );
    expect(vllm.at(-1)).toMatchObject({
      type: 'error',
      error: { code: 'upstream_bad_request', details: { upstreamStatus: 400 } },
    });
    const named = await decode(events([{ event: 'error', data: '{"message":"boom"}' }]));
    expect(named.at(-1)).toMatchObject({ type: 'error', error: { code: 'upstream_server_error' } });
    const plain = await decode(events([{ event: 'error', data: 'worker crashed' }]));
    expect(plain.at(-1)).toMatchObject({
      type: 'error',
      error: { code: 'upstream_server_error', message: 'worker crashed' },
    });
  });

  it('streams tool calls by index, buffering arguments that arrive before the name', async () => {
    const parts = await decode(
      events([
        chunk({
          tool_calls: [
            { index: 0, id: 'call_a', type: 'function', function: { name: 'lookup', arguments: '' } },
          ],
        }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '"x"}' } }] }),
        chunk({ tool_calls: [{ index: 1, id: 'call_b', function: { arguments: '{}' } }] }),
        chunk({ tool_calls: [{ index: 1, function: { name: 'now' } }] }),
        chunk({}, 'tool_calls'),
        '[DONE]',
      ]),
    );
    expect(parts.slice(1)).toEqual([
      { type: 'tool-call-start', index: 0, id: 'call_a', name: 'lookup' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"q":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '"x"}' },
      { type: 'tool-call-start', index: 1, id: 'call_b', name: 'now' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'tool-call-end', index: 1 },
      { type: 'finish', finishReason: { unified: 'tool_calls', raw: 'tool_calls' } },
    ]);
  });

  it('closes a text block when a tool call starts and invents an id when the server sends none', async () => {
    const parts = await decode(
      events([
        chunk({ content: 'Let me check.' }),
        chunk({ tool_calls: [{ function: { name: 'lookup', arguments: '{}' } }] }),
        chunk({}, 'tool_calls'),
      ]),
    );
    expect(parts.map((part) => part.type)).toEqual([
      'stream-start',
      'text-start',
      'text-delta',
      'text-end',
      'tool-call-start',
      'tool-call-delta',
      'tool-call-end',
      'finish',
    ]);
    expect(parts[4]).toMatchObject({
      index: 0,
      name: 'lookup',
      id: expect.stringMatching(/^call_/) as unknown,
    });
  });

  it('reports the latest usage once, before finish, when a server sends usage on every chunk', async () => {
    const parts = await decode(
      events([
        chunk({ content: 'a' }, null, { usage: { prompt_tokens: 5, completion_tokens: 1 } }),
        chunk({ content: 'b' }, 'stop', { usage: { prompt_tokens: 5, completion_tokens: 2 } }),
        '[DONE]',
      ]),
    );
    expect(parts.filter((part) => part.type === 'usage')).toEqual([
      { type: 'usage', usage: { inputTokens: 5, outputTokens: 2 } },
    ]);
  });

  it('ignores content after the finish_reason and choices other than the first', async () => {
    const parts = await decode(
      events([
        JSON.stringify({ choices: [{ index: 1, delta: { content: 'other choice' } }] }),
        chunk({ content: 'kept' }, 'stop'),
        chunk({ content: 'late' }),
        '[DONE]',
      ]),
    );
    expect(parts.filter((part) => part.type === 'text-delta')).toEqual([
      { type: 'text-delta', text: 'kept' },
    ]);
  });

  it('decodes several events from one network read, and ignores what follows [DONE] in it', async () => {
    let served = false;
    const batch: AsyncIterator<readonly ServerSentEvent[], EventStreamEnd, undefined> = {
      next: () => {
        if (served) return Promise.resolve({ done: true, value: { endedMidEvent: false } });
        served = true;
        return Promise.resolve({
          done: false,
          value: [
            chunk({ content: 'a' }),
            chunk({ content: 'b' }, 'stop'),
            '[DONE]',
            chunk({ content: 'late' }),
          ].map((data) => ({ data })),
        });
      },
    };
    const parts = await decode(batch);
    expect(parts.filter((part) => part.type === 'text-delta')).toEqual([
      { type: 'text-delta', text: 'a' },
      { type: 'text-delta', text: 'b' },
    ]);
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: { unified: 'stop', raw: 'stop' } });
  });

  it('closes the event source when the consumer stops early', async () => {
    const source = events([chunk({ content: 'a' }), chunk({ content: 'b' }), chunk({}, 'stop')]);
    for await (const batch of decodeStream(source, CONTEXT)) {
      if (batch.some((part) => part.type === 'text-delta')) break;
    }
    expect(source.closed).toBe(true);
  });
});
