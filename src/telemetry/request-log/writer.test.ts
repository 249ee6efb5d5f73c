import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStore } from './memory-store.ts';
import { testRow } from './row.fixture.ts';
import type { RequestLogRow } from './row.ts';
import type { RequestLogStore } from './store.ts';
import { createRequestLogWriter, type RequestLogWriterOptions } from './writer.ts';

function row(id: string, receivedAt = 1): RequestLogRow {
  return testRow(id, receivedAt);
}

function rows(count: number, prefix = 'r'): RequestLogRow[] {
  return Array.from({ length: count }, (_, i) => row(`${prefix}${i}`, i));
}

/** A memory store that records batches, can fail its first writes, or hold a write until released. */
function recordingStore(options: { failFirst?: number; hold?: boolean } = {}) {
  const inner = createMemoryStore(1_000_000);
  const batches: number[] = [];
  const releases: (() => void)[] = [];
  let failuresLeft = options.failFirst ?? 0;
  let active = 0;
  let maxActive = 0;
  let closed = false;
  const store: RequestLogStore = {
    ...inner,
    async insert(batch) {
      batches.push(batch.length);
      active++;
      maxActive = Math.max(maxActive, active);
      try {
        if (options.hold === true) await new Promise<void>((resolve) => releases.push(resolve));
        if (failuresLeft > 0) {
          failuresLeft--;
          throw new Error('database unavailable');
        }
        await inner.insert(batch);
      } finally {
        active--;
      }
    },
    async close() {
      closed = true;
    },
  };
  return {
    store,
    batches,
    releases,
    count: async () => (await inner.statsRows({ since: 0, until: Number.MAX_SAFE_INTEGER })).length,
    get maxActive() {
      return maxActive;
    },
    get closed() {
      return closed;
    },
  };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

const base: RequestLogWriterOptions = { queueSize: 10_000, batchSize: 10, flushMs: 10_000 };

afterEach(() => {
  vi.useRealTimers();
});

describe('request log writer', () => {
  it('never writes inside enqueue; a full batch goes out on the next turn, the rest on the timer or flush', async () => {
    const target = recordingStore();
    const writer = createRequestLogWriter(target.store, base);
    for (const r of rows(25)) expect(writer.enqueue(r)).toBe(true);
    expect(target.batches).toEqual([]);
    expect(writer.queued).toBe(25);
    for (let i = 0; i < 5; i++) await turn();
    expect(target.batches).toEqual([10, 10]);
    expect(writer.queued).toBe(5);
    await writer.flush();
    expect(target.batches).toEqual([10, 10, 5]);
    expect(writer.written).toBe(25);
    await writer.close();
  });

  it('writes a partial batch after flushMs', async () => {
    const target = recordingStore();
    const writer = createRequestLogWriter(target.store, { ...base, batchSize: 100, flushMs: 20 });
    writer.enqueue(row('a'));
    writer.enqueue(row('b'));
    expect(target.batches).toEqual([]);
    await vi.waitFor(() => expect(target.batches).toEqual([2]), { timeout: 1_000, interval: 5 });
    await writer.close();
  });

  it('finds a queued row by id while it is being written, and not once the store has it', async () => {
    const target = recordingStore({ hold: true });
    const writer = createRequestLogWriter(target.store, base);
    rows(12).forEach((r) => writer.enqueue(r));
    for (let i = 0; i < 3; i++) await turn();
    expect(target.batches).toEqual([10]); // the first ten are in the store's hands, not yet written
    expect(writer.find('r3')?.id).toBe('r3');
    expect(writer.find('r11')?.id).toBe('r11');
    expect(writer.find('nope')).toBeUndefined();
    target.releases.shift()!();
    await vi.waitFor(() => expect(writer.written).toBe(10), { timeout: 1_000, interval: 1 });
    expect(writer.find('r3')).toBeUndefined();
    expect(await target.store.get('r3')).toMatchObject({ id: 'r3' });
    expect(writer.find('r11')?.id).toBe('r11');
    const closing = writer.close();
    while (target.releases.length > 0 || writer.queued > 0) {
      target.releases.shift()?.();
      await turn();
    }
    await closing;
  });

  it('keeps at most one write in flight', async () => {
    const target = recordingStore({ hold: true });
    const writer = createRequestLogWriter(target.store, base);
    rows(30).forEach((r) => writer.enqueue(r));
    for (let i = 0; i < 5; i++) await turn();
    expect(target.batches).toEqual([10]);
    target.releases.shift()!();
    await vi.waitFor(() => expect(target.batches).toEqual([10, 10]), { timeout: 1_000, interval: 1 });
    const closing = writer.close();
    while (target.batches.length < 3 || target.releases.length > 0) {
      target.releases.shift()?.();
      await turn();
    }
    await closing;
    expect(target.maxActive).toBe(1);
    expect(writer.written).toBe(30);
  });

  it('drops the newest rows beyond queueSize, counts them and reports them', async () => {
    const target = recordingStore({ hold: true });
    const reported: number[] = [];
    const writer = createRequestLogWriter(target.store, {
      ...base,
      queueSize: 5,
      onDropped: (count) => reported.push(count),
    });
    const accepted = rows(8).map((r) => writer.enqueue(r));
    expect(accepted).toEqual([true, true, true, true, true, false, false, false]);
    expect([writer.queued, writer.dropped]).toEqual([5, 3]);
    expect(reported).toEqual([1, 1, 1]);
    const closing = writer.close();
    await vi.waitFor(() => expect(target.releases).toHaveLength(1), { timeout: 1_000, interval: 1 });
    target.releases.shift()!();
    await closing;
    expect(await target.count()).toBe(5);
    expect(writer.enqueue(row('late'))).toBe(false); // closed
    expect(writer.dropped).toBe(4);
  });

  it('close() writes all 1,000 queued rows, then closes the store', async () => {
    const target = recordingStore();
    const writer = createRequestLogWriter(target.store, { ...base, batchSize: 100 });
    rows(1_000).forEach((r) => writer.enqueue(r));
    await writer.close();
    expect(await target.count()).toBe(1_000);
    expect([writer.written, writer.queued, writer.dropped]).toEqual([1_000, 0, 0]);
    expect(target.closed).toBe(true);
  });

  it('loses nothing when the store fails twice and then recovers', async () => {
    const target = recordingStore({ failFirst: 2 });
    const errors: unknown[] = [];
    const writer = createRequestLogWriter(target.store, {
      ...base,
      batchSize: 20,
      flushMs: 5,
      onWriteError: (error) => errors.push(error),
    });
    rows(50).forEach((r) => writer.enqueue(r));
    await vi.waitFor(() => expect(writer.written).toBe(50), { timeout: 2_000, interval: 5 });
    expect(errors).toHaveLength(2);
    // The failed batch was retried as a whole, from the head of the queue.
    expect(target.batches.slice(0, 3)).toEqual([20, 20, 20]);
    expect(await target.count()).toBe(50);
    await writer.close();
  });

  it('flush() rejects on a failed write and keeps the rows; close() retries them', async () => {
    const target = recordingStore({ failFirst: 2 });
    const writer = createRequestLogWriter(target.store, { ...base, flushMs: 5 });
    rows(5).forEach((r) => writer.enqueue(r));
    await expect(writer.flush()).rejects.toThrow('database unavailable');
    expect(writer.queued).toBe(5);
    await writer.close();
    expect([writer.written, writer.dropped, await target.count()]).toEqual([5, 0, 5]);
  });

  it('close() gives up on a store that keeps failing, counting the rows as dropped', async () => {
    const target = recordingStore({ failFirst: Number.POSITIVE_INFINITY });
    const reported: number[] = [];
    const writer = createRequestLogWriter(target.store, {
      ...base,
      flushMs: 5,
      closeTimeoutMs: 150,
      onDropped: (count) => reported.push(count),
    });
    rows(7).forEach((r) => writer.enqueue(r));
    await writer.close();
    expect([writer.written, writer.dropped, writer.queued]).toEqual([0, 7, 0]);
    expect(reported).toEqual([7]);
    expect(target.closed).toBe(true);
  });

  it('prunes past the retention at start and hourly', async () => {
    vi.useFakeTimers();
    const target = recordingStore();
    const cutoffs: number[] = [];
    target.store.prune = async (before) => {
      cutoffs.push(before);
      return 0;
    };
    let clock = 10 * 3_600_000;
    const writer = createRequestLogWriter(target.store, { ...base, retentionHours: 2, now: () => clock });
    await vi.advanceTimersByTimeAsync(0);
    expect(cutoffs).toEqual([8 * 3_600_000]);
    clock += 3_600_000;
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(cutoffs).toEqual([8 * 3_600_000, 9 * 3_600_000]);
    await writer.close();
  });

  it('never keeps the process alive', async () => {
    const writerUrl = new URL('./writer.ts', import.meta.url).href;
    const storeUrl = new URL('./memory-store.ts', import.meta.url).href;
    const script = `
      const { createRequestLogWriter } = await import(${JSON.stringify(writerUrl)});
      const { createMemoryStore } = await import(${JSON.stringify(storeUrl)});
      const writer = createRequestLogWriter(createMemoryStore(10), {
        queueSize: 10, batchSize: 5, flushMs: 60000, retentionHours: 1,
      });
      writer.enqueue({ id: 'x' });`;
    const started = performance.now();
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 5_000,
      cwd: fileURLToPath(new URL('.', import.meta.url)),
    });
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
