import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.ts';
import type { StreamPart } from '../../core/response.ts';
import type { EventStreamEnd, ServerSentEvent } from '../transport/event-stream.ts';
import { decodeStream } from './decode-stream.ts';

const CONTEXT = { provider: 'gemini-main', model: 'flash', upstreamModel: 'gemini-2.5-flash' };

function piece(parts: readonly object[] | null, finishReason?: string, extra: object = {}): string {
  return JSON.stringify({
    ...(parts === null
      ? {}
      : {
          candidates: [
            { content: { parts, role: 'model' }, ...(finishReason ? { finishReason } : {}), index: 0 },
          ],
        }),
    usageMetadata: finishReason
      ? { promptTokenCount: 7, candidatesTokenCount: 4, thoughtsTokenCount: 3 }
      : { promptTokenCount: 7 },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'r1',
    ...extra,
  });
}

/** Yields the payloads one per batch (one network read each), then ends or throws; records closing. */
function events(
  payloads: readonly string[],
  ending: { throws?: GatewayError } = {},
): AsyncIterator<readonly ServerSentEvent[], EventStreamEnd, undefined> & { closed: boolean } {
  let position = 0;
  const source = {
    closed: false,
    next(): Promise<IteratorResult<readonly ServerSentEvent[], EventStreamEnd>> {
      const payload = source.closed ? undefined : payloads[position++];
      if (payload === undefined) {
        if (ending.throws !== undefined && !source.closed) return Promise.reject(ending.throws);
        return Promise.resolve({ done: true, value: { endedMidEvent: false } });
      }
      return Promise.resolve({ done: false, value: [{ data: payload }] });
    },
    return(): Promise<IteratorResult<readonly ServerSentEvent[], EventStreamEnd>> {
      source.closed = true;
      return Promise.resolve({ done: true, value: { endedMidEvent: false } });
    },
  };
  return source;
}

async function decode(source: AsyncIterator<readonly ServerSentEvent[], EventStreamEnd, undefined>) {
  const parts: StreamPart[] = [];
  for await (const batch of decodeStream(source, CONTEXT)) parts.push(...batch);
  return parts;
}

describe('decodeStream', () => {
  it('turns text pieces into one text block, then the last usage, then finish at the end of the body', async () => {
    const parts = await decode(
      events([
        piece([{ text: 'Planning…', thought: true }, { text: 'Hel' }]),
        piece([{ text: 'lo' }]),
        piece([{ text: '' }], 'STOP'),
      ]),
    );
    expect(parts).toEqual([
      {
        type: 'stream-start',
        id: 'r1',
        upstreamModel: 'gemini-2.5-flash',
        created: expect.any(Number) as number,
      },
      { type: 'text-start' },
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
      { type: 'text-end' },
      { type: 'usage', usage: { inputTokens: 7, outputTokens: 7, reasoningTokens: 3 } },
      { type: 'finish', finishReason: { unified: 'stop', raw: 'STOP' } },
    ]);
  });

  it('emits each whole function call as start, one delta, end, and finishes STOP as tool_calls', async () => {
    const parts = await decode(
      events([
        piece([{ text: 'Let me check.' }]),
        piece(
          [
            { functionCall: { name: 'get_weather', args: { location: 'Paris' } } },
            { functionCall: { name: 'get_time', args: {} } },
          ],
          'STOP',
        ),
      ]),
    );
    expect(parts.slice(1, -2)).toEqual([
      { type: 'text-start' },
      { type: 'text-delta', text: 'Let me check.' },
      { type: 'text-end' },
      { type: 'tool-call-start', index: 0, id: 'call_r1_0', name: 'get_weather' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"location":"Paris"}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'tool-call-start', index: 1, id: 'call_r1_1', name: 'get_time' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{}' },
      { type: 'tool-call-end', index: 1 },
    ]);
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: { unified: 'tool_calls', raw: 'STOP' } });
  });

  it('a body that ends without a finish reason is stream_truncated', async () => {
    const parts = await decode(events([piece([{ text: 'Hel' }])]));
    expect(parts.map((part) => part.type)).toEqual(['stream-start', 'text-start', 'text-delta', 'error']);
    expect(parts.at(-1)).toMatchObject({
      type: 'error',
      error: { code: 'stream_truncated', details: { provider: 'gemini-main', model: 'flash' } },
    });
  });

  it('invalid JSON is upstream_bad_response and closes the source', async () => {
    const source = events([piece([{ text: 'Hel' }]), '{"candidates":[', piece([{ text: 'lo' }], 'STOP')]);
    const parts = await decode(source);
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'upstream_bad_response' } });
    expect(source.closed).toBe(true);
  });

  it('an error object in the stream is mapped by its status, with its retry delay', async () => {
    const parts = await decode(
      events([
        piece([{ text: 'Hel' }]),
        JSON.stringify({
          error: {
            code: 429,
            message: 'Resource has been exhausted (e.g. check quota).',
            status: 'RESOURCE_EXHAUSTED',
            details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' }],
          },
        }),
      ]),
    );
    const last = parts.at(-1);
    expect(last?.type).toBe('error');
    if (last?.type !== 'error') return;
    expect(last.error.code).toBe('upstream_rate_limited');
    expect(last.error.spec.retryable).toBe(true);
    expect(last.error.details).toMatchObject({
      upstreamStatus: 429,
      retryAfterMs: 2000,
      provider: 'gemini-main',
    });
  });

  it('a blocked prompt in the first piece is content_filtered before any content', async () => {
    const parts = await decode(events([JSON.stringify({ promptFeedback: { blockReason: 'SAFETY' } })]));
    expect(parts.map((part) => part.type)).toEqual(['stream-start', 'error']);
    expect(parts.at(-1)).toMatchObject({
      error: { code: 'content_filtered', details: { upstreamCode: 'SAFETY' } },
    });
  });

  it('a piece without candidates (usage only) is not an error', async () => {
    const parts = await decode(events([piece([{ text: 'Hi' }], 'STOP'), piece(null)]));
    expect(parts.at(-1)).toMatchObject({ type: 'finish' });
    expect(parts.at(-2)).toEqual({ type: 'usage', usage: { inputTokens: 7, outputTokens: 0 } });
  });

  it('a transport failure keeps its own code, with the provider added', async () => {
    const reset = new GatewayError('upstream_connection_failed', 'socket hang up');
    const parts = await decode(events([piece([{ text: 'Hel' }])], { throws: reset }));
    expect(parts.at(-1)).toMatchObject({
      type: 'error',
      error: { code: 'upstream_connection_failed', details: { provider: 'gemini-main' } },
    });
  });
});
