import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/errors.ts';
import type { StreamBatch, StreamPart } from '../core/response.ts';
import type { Usage } from '../core/response.ts';
import { CommittedStream, type CommittedStreamHooks, type StreamEnd } from './committed-stream.ts';

/** Hooks that record every end reported. */
function hooks(estimateUsage: (output: string) => Usage, ends: StreamEnd[] = []): CommittedStreamHooks {
  return { estimateUsage, onEnd: (end) => ends.push(end) };
}

/** An upstream delivering one part per batch, unless batches are given. */
function upstream(parts: StreamPart[], batches: StreamBatch[] = parts.map((part) => [part])) {
  let index = 0;
  const iterator = {
    returned: false,
    next: async (): Promise<IteratorResult<StreamBatch>> =>
      index < batches.length ? { done: false, value: batches[index++]! } : { done: true, value: undefined },
    return: async (): Promise<IteratorResult<StreamBatch>> => {
      iterator.returned = true;
      return { done: true, value: undefined };
    },
  };
  return iterator;
}

async function collectBatches(stream: AsyncIterable<StreamBatch>): Promise<StreamBatch[]> {
  const batches: StreamBatch[] = [];
  for await (const batch of stream) batches.push(batch);
  return batches;
}

async function collect(stream: AsyncIterable<StreamBatch>): Promise<StreamPart[]> {
  return (await collectBatches(stream)).flat();
}

const start: StreamPart = { type: 'stream-start', id: 'x', upstreamModel: 'm', created: 1 };
const finish: StreamPart = { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' } };

describe('CommittedStream', () => {
  it('replays the parts read before commit, then the rest, and keeps upstream usage', async () => {
    const ends: StreamEnd[] = [];
    const usage: StreamPart = { type: 'usage', usage: { inputTokens: 1, outputTokens: 2 } };
    const parts = await collect(
      new CommittedStream(
        [start, { type: 'text-delta', text: 'a' }],
        upstream([{ type: 'text-delta', text: 'b' }, usage, finish]),
        hooks(() => {
          throw new Error('must not estimate when the upstream reported usage');
        }, ends),
      ),
    );
    expect(ends).toEqual([{ kind: 'ok', usage: { inputTokens: 1, outputTokens: 2 } }]);
    expect(parts.map((part) => part.type)).toEqual([
      'stream-start',
      'text-delta',
      'text-delta',
      'usage',
      'finish',
    ]);
  });

  it('adds estimated usage from the output when the upstream reported none', async () => {
    const seen: string[] = [];
    const parts = await collect(
      new CommittedStream(
        [start, { type: 'text-delta', text: 'ab' }],
        upstream([{ type: 'text-delta', text: 'cd' }, finish]),
        hooks((output) => {
          seen.push(output);
          return { inputTokens: 7, outputTokens: output.length };
        }),
      ),
    );
    expect(seen).toEqual(['abcd']);
    expect(parts.at(-1)).toEqual({ type: 'usage', usage: { inputTokens: 7, outputTokens: 4 } });
  });

  it('stops at an error part and releases the upstream', async () => {
    const rest = upstream([
      { type: 'text-delta', text: 'b' },
      { type: 'error', error: new GatewayError('stream_truncated', 'cut') },
      finish,
    ]);
    const ends: StreamEnd[] = [];
    const estimate = (output: string): Usage => ({ inputTokens: 3, outputTokens: output.length });
    const parts = await collect(new CommittedStream([start], rest, hooks(estimate, ends)));
    expect(parts.map((part) => part.type)).toEqual(['stream-start', 'text-delta', 'error']);
    expect(rest.returned).toBe(true);
    // The failed stream is reported once, with the usage its output is estimated to have cost.
    expect(ends).toMatchObject([
      { kind: 'failed', error: { code: 'stream_truncated' }, usage: { outputTokens: 1 } },
    ]);
  });

  it('releases the upstream when the consumer stops early', async () => {
    const rest = upstream([{ type: 'text-delta', text: 'b' }, finish]);
    const ends: StreamEnd[] = [];
    const zero = (): Usage => ({ inputTokens: 0, outputTokens: 0 });
    for await (const batch of new CommittedStream([start], rest, hooks(zero, ends))) {
      if (batch[0]?.type === 'stream-start') break;
    }
    expect(rest.returned).toBe(true);
    expect(ends.map((end) => end.kind)).toEqual(['left']);
  });

  it('passes each upstream batch through whole: one step per network read, not per part', async () => {
    const delta: StreamPart = { type: 'text-delta', text: 'b' };
    const usage: StreamPart = { type: 'usage', usage: { inputTokens: 1, outputTokens: 2 } };
    const batches = await collectBatches(
      new CommittedStream(
        [start, delta],
        upstream([], [[delta, delta, usage, finish]]),
        hooks(() => {
          throw new Error('must not estimate');
        }),
      ),
    );
    expect(batches.map((batch) => batch.length)).toEqual([2, 4]);
  });
});
