/** Memory specifics; the shared behaviour is in store-contract.test.ts. */

import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './memory-store.ts';
import type { RequestLogRow } from './row.ts';

function row(id: string, receivedAt: number): RequestLogRow {
  return {
    id,
    receivedAt,
    configVersion: 'v1',
    protocol: 'openai',
    stream: false,
    requestedModel: 'auto',
    route: 'default',
    servedModel: 'm',
    provider: 'p',
    status: 200,
    outcome: 'ok',
    errorMessage: null,
    tenant: null,
    tags: {},
    fallback: false,
    retries: 0,
    inputTokens: 10,
    outputTokens: 5,
    cachedInputTokens: null,
    costUsd: 0.001,
    latency: { decisionMs: 0.2, queueMs: 0, ttftMs: 50, totalMs: 100, upstreamMs: 95, overheadMs: 5 },
    decision: null,
    attempts: [],
    prompt: undefined,
    completion: null,
  };
}

describe('memory request log store', () => {
  it('keeps the last `capacity` rows, dropping the oldest written', async () => {
    const store = createMemoryStore(3);
    await store.insert([row('a', 1), row('b', 2), row('c', 3)]);
    await store.insert([row('a', 1), row('d', 4)]); // the duplicate neither counts nor refreshes
    expect(await store.get('a')).toBeUndefined();
    expect((await store.statsRows({ since: 0, until: 10 })).map((r) => r.receivedAt)).toEqual([2, 3, 4]);
  });

  it('keeps nothing at capacity 0', async () => {
    const store = createMemoryStore(0);
    await store.insert([row('a', 1)]);
    expect(await store.get('a')).toBeUndefined();
  });
});
