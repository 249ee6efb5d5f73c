/** Memory specifics; the shared behaviour is in store-contract.test.ts. */

import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './memory-store.ts';
import { testRow } from './row.fixture.ts';
import type { RequestLogRow } from './row.ts';

const row = (id: string, receivedAt: number): RequestLogRow => testRow(id, receivedAt);

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
