/** One contract, every store: memory, SQLite (in memory and in a file) and PostgreSQL. */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dropTable, ensurePostgres, uniqueTableName } from '../../../test/support/postgres.ts';
import { createMemoryStore } from './memory-store.ts';
import { createPostgresStore } from './postgres-store.ts';
import type { RequestLogRow } from './row.ts';
import { createSqliteStore } from './sqlite-store.ts';
import { createSqliteWorkerStore } from './sqlite-worker-store.ts';
import type { RequestLogStore } from './store.ts';

const T0 = 1_760_000_000_000;

/** A served, fallen-back, streamed request: every field set, nested attempts and the decision included. */
function fullRow(id: string, receivedAt = T0): RequestLogRow {
  return {
    id,
    receivedAt,
    configVersion: 'cfg-1a2b3c',
    protocol: 'openai',
    stream: true,
    requestedModel: 'auto',
    route: 'coding',
    servedModel: 'gpt-mini',
    provider: 'openai',
    status: 200,
    outcome: 'ok',
    errorMessage: null,
    tenant: 'acme',
    tags: { team: 'search', 'feature flag': 'a/b "quoted" \\ ünïcødé 🚀' },
    fallback: true,
    retries: 1,
    inputTokens: 1_234,
    outputTokens: 56,
    cachedInputTokens: 1_000,
    costUsd: 0.000_123_456_789,
    latency: {
      decisionMs: 0.412_345,
      queueMs: 0,
      ttftMs: 183.25,
      totalMs: 912.5,
      upstreamMs: 880.125,
      overheadMs: 1.5,
    },
    decision: {
      requested: 'auto',
      route: 'coding',
      selection: 'matched',
      rules: [
        {
          route: 'coding',
          rule: 'has_code && prompt_tokens < 8000',
          result: true,
          reads: [
            { signal: 'has_code', value: true },
            { signal: 'prompt_tokens', value: 1_234 },
            { signal: 'languages', value: ['ts', 'sql'] },
            { signal: 'metadata.team', value: null },
          ],
        },
      ],
      candidates: ['gpt-big', 'gpt-mini'],
      removed: [{ target: 'claude-x', filter: 'tags', reason: 'tenant acme requires eu' }],
      targets: ['gpt-big', 'gpt-mini'],
      split: { key: null, draw: 0.123_456_789, chosen: 'gpt-big' },
      fitting: { action: 'summarize', with: 'gpt-mini', budgetTokens: 8_000, pending: true },
    },
    attempts: [
      {
        target: 'gpt-big',
        provider: 'openai',
        deployment: 'openai/gpt-big-2025',
        startedAtMs: 12.5,
        durationMs: 300.25,
        outcome: 'upstream_overloaded',
        upstreamStatus: 529,
        message: 'overloaded',
        firstTokenMs: undefined,
        usage: undefined,
        costUsd: 0,
        queueMs: 12.25,
        dropped: [],
      },
      {
        target: 'gpt-mini',
        provider: 'openai',
        deployment: 'openai/gpt-mini',
        startedAtMs: 320,
        durationMs: 580.5,
        outcome: 'ok',
        upstreamStatus: 200,
        message: undefined,
        firstTokenMs: 150.75,
        usage: { inputTokens: 1_234, outputTokens: 56, cachedInputTokens: 1_000, reasoningTokens: 12 },
        costUsd: 0.000_123_456_789,
        queueMs: 0,
        dropped: ['logprobs', 'parallel_tool_calls'],
      },
    ],
    prompt: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'line 1\nline 2\t"quoted"' }] },
    ],
    completion: 'Sure — here it is.',
  };
}

/** A request rejected before routing: every nullable field null, no attempts, no body. */
function bareRow(id: string, receivedAt = T0): RequestLogRow {
  return {
    ...fullRow(id, receivedAt),
    protocol: 'anthropic',
    stream: false,
    requestedModel: 'no-such-model',
    route: null,
    servedModel: null,
    provider: null,
    status: 404,
    outcome: 'model_not_found',
    errorMessage: 'model "no-such-model" does not exist',
    tenant: null,
    tags: {},
    fallback: false,
    retries: 0,
    inputTokens: null,
    outputTokens: null,
    cachedInputTokens: null,
    costUsd: 0,
    latency: { decisionMs: 0.1, queueMs: 0, ttftMs: null, totalMs: 0.3, upstreamMs: 0, overheadMs: 0.3 },
    decision: null,
    attempts: [],
    prompt: undefined,
    completion: null,
  };
}

interface Target {
  readonly name: string;
  open(): Promise<RequestLogStore>;
  cleanup?(): Promise<void>;
}

const tempDir = mkdtempSync(join(tmpdir(), 'switchyard-request-log-'));
let postgresUrl = '';
const postgresTable = uniqueTableName();

const targets: Target[] = [
  { name: 'memory', open: async () => createMemoryStore(1_000) },
  { name: 'sqlite :memory:', open: async () => createSqliteStore(':memory:') },
  {
    name: 'sqlite file',
    // A new file per test, in a directory that does not exist yet (the store creates it).
    open: async () => createSqliteStore(join(tempDir, `nested-${Math.random()}`, 'requests.sqlite')),
  },
  {
    // What the gateway runs: the same store in a worker thread, rows crossing in chunks.
    name: 'sqlite file in a worker thread',
    open: async () => createSqliteWorkerStore(join(tempDir, `worker-${Math.random()}`, 'requests.sqlite')),
  },
  {
    name: 'postgres',
    open: async () => {
      const store = createPostgresStore(postgresUrl, { table: postgresTable });
      await store.init();
      await store.prune(Number.MAX_SAFE_INTEGER); // tests share one table: start each empty
      return store;
    },
  },
];

beforeAll(async () => {
  postgresUrl = await ensurePostgres();
});

afterAll(async () => {
  rmSync(tempDir, { recursive: true, force: true });
  if (postgresUrl !== '') await dropTable(postgresUrl, postgresTable);
});

describe.each(targets)('request log store contract: $name', (target) => {
  let store: RequestLogStore;

  beforeEach(async () => {
    store = await target.open();
    await store.init(); // a second init is a no-op
  });

  afterEach(async () => {
    await store.close();
  });

  it('reads back exactly the row it wrote, nulls and nested JSON included', async () => {
    const rows = [fullRow('full'), bareRow('bare', T0 + 1)];
    await store.insert(rows);
    expect(await store.get('full')).toEqual(rows[0]);
    expect(await store.get('bare')).toEqual(rows[1]);
    expect(await store.get('missing')).toBeUndefined();
  });

  it('keeps a null prompt apart from no prompt', async () => {
    await store.insert([
      { ...fullRow('null-prompt'), prompt: null },
      { ...fullRow('no-prompt'), prompt: undefined },
    ]);
    expect((await store.get('null-prompt'))?.prompt).toBeNull();
    expect((await store.get('no-prompt'))?.prompt).toBeUndefined();
  });

  it('ignores a row written twice (a retried batch)', async () => {
    await store.insert([fullRow('a'), fullRow('b', T0 + 1)]);
    await store.insert([{ ...fullRow('a'), status: 500 }, fullRow('c', T0 + 2)]);
    expect((await store.get('a'))?.status).toBe(200);
    expect(await store.statsRows({ since: 0, until: T0 + 10 })).toHaveLength(3);
  });

  it('accepts an empty batch', async () => {
    await store.insert([]);
    expect(await store.statsRows({ since: 0, until: T0 + 10 })).toEqual([]);
  });

  it('selects a window: since inclusive, until exclusive, oldest first', async () => {
    // Inserted out of order, as batches from several replicas may land.
    await store.insert([fullRow('t3', T0 + 3), bareRow('t1', T0 + 1), fullRow('t0', T0)]);
    await store.insert([fullRow('t2', T0 + 2), fullRow('t4', T0 + 4)]);
    const window = await store.statsRows({ since: T0 + 1, until: T0 + 4 });
    expect(window.map((row) => row.receivedAt)).toEqual([T0 + 1, T0 + 2, T0 + 3]);
    expect(window[0]).toEqual({
      receivedAt: T0 + 1,
      route: null,
      servedModel: null,
      provider: null,
      tenant: null,
      outcome: 'model_not_found',
      fallback: false,
      totalMs: 0.3,
      ttftMs: null,
      inputTokens: null,
      outputTokens: null,
      costUsd: 0,
    });
    expect(window[1]).toEqual({
      receivedAt: T0 + 2,
      route: 'coding',
      servedModel: 'gpt-mini',
      provider: 'openai',
      tenant: 'acme',
      outcome: 'ok',
      fallback: true,
      totalMs: 912.5,
      ttftMs: 183.25,
      inputTokens: 1_234,
      outputTokens: 56,
      costUsd: 0.000_123_456_789,
    });
  });

  it('defaults the end of the window to now', async () => {
    const now = Date.now();
    await store.insert([fullRow('past', now - 60_000), fullRow('future', now + 3_600_000)]);
    const window = await store.statsRows({ since: now - 120_000 });
    expect(window.map((row) => row.receivedAt)).toEqual([now - 60_000]);
  });

  it('prunes rows received before the cutoff and counts them', async () => {
    await store.insert([
      fullRow('old1', T0),
      fullRow('old2', T0 + 1),
      fullRow('edge', T0 + 2),
      fullRow('new', T0 + 3),
    ]);
    expect(await store.prune(T0 + 2)).toBe(2);
    expect(await store.get('old1')).toBeUndefined();
    expect(await store.get('edge')).toBeDefined();
    expect(await store.prune(T0 + 2)).toBe(0);
    expect((await store.statsRows({ since: 0, until: T0 + 10 })).map((row) => row.receivedAt)).toEqual([
      T0 + 2,
      T0 + 3,
    ]);
  });
});
