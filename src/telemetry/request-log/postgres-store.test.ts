/** PostgreSQL specifics; the shared behaviour is in store-contract.test.ts. */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropTable, ensurePostgres, uniqueTableName } from '../../../test/support/postgres.ts';
import { createPostgresStore } from './postgres-store.ts';
import { testRow } from './row.fixture.ts';
import type { RequestLogStore } from './store.ts';

const row = testRow;

let url = '';
const tables: string[] = [];

function store(): RequestLogStore {
  const table = uniqueTableName();
  tables.push(table);
  return createPostgresStore(url, { table });
}

beforeAll(async () => {
  url = await ensurePostgres();
});

afterAll(async () => {
  for (const table of tables) await dropTable(url, table);
});

describe('postgres request log store', () => {
  it('creates the schema once when replicas start together', async () => {
    const table = uniqueTableName();
    tables.push(table);
    const replicas = [1, 2, 3].map(() => createPostgresStore(url, { table }));
    await Promise.all([...replicas.map((replica) => replica.init()), replicas[0]!.init()]);
    await replicas[1]!.insert([row('a', 1)]);
    expect(await replicas[2]!.get('a')).toEqual(row('a', 1));
    await Promise.all(replicas.map((replica) => replica.close()));
  });

  it('writes a batch larger than a parameter-per-value statement could carry', async () => {
    const s = store();
    await s.init();
    // 2,500 rows × 30 columns would be 75,000 parameters; unnest sends 30 arrays.
    await s.insert(Array.from({ length: 2_500 }, (_, i) => row(`r${i}`, i)));
    expect(await s.statsRows({ since: 0, until: 10_000 })).toHaveLength(2_500);
    await s.close();
  });

  it('stores text PostgreSQL would refuse (NUL, lone surrogates) as U+FFFD instead of failing the batch', async () => {
    const s = store();
    await s.init();
    const hostile = row('hostile', 1, {
      errorMessage: 'nul\0here',
      tags: { 'key\0': 'lone \uD800 surrogate' },
      prompt: [{ content: 'escaped text \\u0000 stays, pair 🚀 stays, nul \0 goes' }],
      completion: 'tail \uDC00',
    });
    await s.insert([hostile, row('next', 2)]);
    const read = await s.get('hostile');
    expect(read?.errorMessage).toBe('nul\uFFFDhere');
    expect(read?.tags).toEqual({ 'key\uFFFD': 'lone \uFFFD surrogate' });
    expect(read?.prompt).toEqual([{ content: 'escaped text \\u0000 stays, pair 🚀 stays, nul \uFFFD goes' }]);
    expect(read?.completion).toBe('tail \uFFFD');
    expect(await s.get('next')).toBeDefined();
    await s.close();
  });

  it('rounds fractional counts rather than failing the batch on an integer column', async () => {
    const s = store();
    await s.init();
    await s.insert([row('frac', 1.4, { inputTokens: 10.6, retries: 1.2 })]);
    const read = await s.get('frac');
    expect([read?.receivedAt, read?.inputTokens, read?.retries]).toEqual([1, 11, 1]);
    await s.close();
  });

  it('fails fast, not hangs, when the database is unreachable', async () => {
    const down = createPostgresStore('postgres://postgres@127.0.0.1:1/test', {
      pool: { connectionTimeoutMillis: 1_000 },
    });
    await expect(down.insert([row('x', 1)])).rejects.toThrow();
    await down.close();
  });

  it('refuses a table name it would have to quote', () => {
    expect(() => createPostgresStore(url, { table: 'requests; DROP TABLE x' })).toThrow(/invalid table name/);
  });

  it('writes a 500-row batch in tens of milliseconds', async () => {
    const s = store();
    await s.init();
    await s.insert(Array.from({ length: 500 }, (_, i) => row(`w${i}`, i)));
    const samples: number[] = [];
    for (let n = 1; n <= 5; n++) {
      const batch = Array.from({ length: 500 }, (_, i) => row(`b${n}-${i}`, n * 1_000 + i));
      const started = performance.now();
      await s.insert(batch);
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    // Measured ~20 ms on the CI machine kind; the bound only catches a pathological regression.
    expect(samples[2]).toBeLessThan(1_000);
    await s.close();
  });
});
