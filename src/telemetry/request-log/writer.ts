/**
 * Moves request-log rows from the request path to the store: `enqueue` only appends to a bounded
 * queue; batches are written later (every `flushMs`, or on the next turn of the event loop once a full
 * batch waits), one write at a time.
 *
 * Overflow drops the NEWEST row (the one being enqueued; `enqueue` returns false and it is counted):
 * the queue's head may be a batch being written or retried, and keeping it keeps rows in arrival order.
 * A failed write leaves its rows at the head; they are retried after a growing delay, so rows are only
 * lost to overflow, or to a store still failing when `close()` gives up (counted as dropped too).
 */

import type { RequestLogRow } from './row.ts';
import type { RequestLogStore } from './store.ts';

export interface RequestLogWriterOptions {
  /** Rows held at most, those being written included. */
  readonly queueSize: number;
  readonly batchSize: number;
  /** Longest a row waits before its batch is written. */
  readonly flushMs: number;
  /** Called with the number of rows just dropped (queue full, or left unwritten at close). */
  readonly onDropped?: (count: number) => void;
  /** Called for every failed write or prune; the rows stay queued. */
  readonly onWriteError?: (error: unknown) => void;
  /** Clock for retry delays, retention and the close deadline (tests). Default Date.now. */
  readonly now?: () => number;
  /** Prune rows older than this at start and hourly; omitted: never prune. */
  readonly retentionHours?: number;
  /** How long close() keeps retrying a failing store before counting the rest as dropped. Default 10 s. */
  readonly closeTimeoutMs?: number;
}

export interface RequestLogWriter {
  /** Never blocks or awaits; false when the row was dropped (queue full, or closing). */
  enqueue(row: RequestLogRow): boolean;
  /** Writes every row queued now; rejects with the store's error if a write fails (rows stay queued). */
  flush(): Promise<void>;
  /** A queued row (not yet in the store) by request id; undefined once the store has it. */
  find(id: string): RequestLogRow | undefined;
  /** Stops accepting rows, writes the queue (retrying up to closeTimeoutMs), stops timers, closes the store. */
  close(): Promise<void>;
  readonly queued: number;
  readonly dropped: number;
  readonly written: number;
}

const MAX_RETRY_DELAY_MS = 5_000;
const PRUNE_INTERVAL_MS = 60 * 60 * 1_000;

export function createRequestLogWriter(
  store: RequestLogStore,
  options: RequestLogWriterOptions,
): RequestLogWriter {
  const { queueSize, flushMs, onDropped, onWriteError } = options;
  const batchSize = Math.max(1, options.batchSize);
  const now = options.now ?? Date.now;
  const closeTimeoutMs = options.closeTimeoutMs ?? 10_000;

  let queue: RequestLogRow[] = [];
  let written = 0;
  let dropped = 0;
  /** The write in flight; resolves true on success and never rejects (the error is in `lastError`). */
  let inFlight: Promise<boolean> | undefined;
  let lastError: unknown;
  let failures = 0;
  let retryAt = 0;
  let pumpScheduled = false;
  let closing: Promise<void> | undefined;
  let pruning: Promise<void> | undefined;

  function drop(count: number): void {
    dropped += count;
    report(onDropped, count);
  }

  function retryDelay(): number {
    return Math.min(MAX_RETRY_DELAY_MS, Math.max(flushMs, 50) * 2 ** Math.min(failures - 1, 16));
  }

  /** Starts writing the head batch; the rows leave the queue only once the store has them. */
  function startWrite(): Promise<boolean> {
    const batch = queue.slice(0, batchSize);
    // Through a resolved promise so even a store that throws synchronously settles after `inFlight` is set.
    const write = Promise.resolve()
      .then(() => store.insert(batch))
      .then(
        () => {
          queue.splice(0, batch.length);
          written += batch.length;
          failures = 0;
          retryAt = 0;
          return true;
        },
        (error: unknown) => {
          failures++;
          retryAt = now() + retryDelay();
          lastError = error;
          report(onWriteError, error);
          return false;
        },
      )
      .finally(() => {
        inFlight = undefined;
        if (queue.length >= batchSize) schedulePump();
      });
    inFlight = write;
    return write;
  }

  /** Background writes: one at a time, none while a failed write waits out its delay. */
  function pump(): void {
    if (inFlight !== undefined || queue.length === 0 || now() < retryAt) return;
    void startWrite();
  }

  function schedulePump(): void {
    if (pumpScheduled) return;
    pumpScheduled = true;
    setImmediate(() => {
      pumpScheduled = false;
      pump();
    });
  }

  function prune(): void {
    if (options.retentionHours === undefined || pruning !== undefined || closing !== undefined) return;
    const before = now() - options.retentionHours * 3_600_000;
    pruning = Promise.resolve()
      .then(() => store.prune(before))
      .then(
        () => undefined,
        (error: unknown) => report(onWriteError, error),
      )
      .finally(() => {
        pruning = undefined;
      });
  }

  const flushTimer = setInterval(pump, flushMs);
  flushTimer.unref();
  let pruneTimer: NodeJS.Timeout | undefined;
  if (options.retentionHours !== undefined) {
    pruneTimer = setInterval(prune, PRUNE_INTERVAL_MS);
    pruneTimer.unref();
    // Once at start, off the caller's turn (a first prune of a large log may take a while).
    setImmediate(prune);
  }

  async function flush(): Promise<void> {
    // Rows are written in order, so "everything queued now" is written once `written` reaches this.
    const goal = written + queue.length;
    while (written < goal && queue.length > 0) {
      const current = inFlight;
      if (current !== undefined) {
        await current; // a background write; if it failed, the loop writes the batch itself
        continue;
      }
      if (!(await startWrite())) throw lastError;
    }
  }

  async function drainForClose(): Promise<void> {
    clearInterval(flushTimer);
    if (pruneTimer !== undefined) clearInterval(pruneTimer);
    const deadline = now() + closeTimeoutMs;
    while (queue.length > 0) {
      try {
        await flush();
      } catch {
        const wait = Math.min(retryDelay(), deadline - now());
        if (wait <= 0) break;
        // Deliberately not unref'd: shutdown waits (at most closeTimeoutMs) for the rows to be written.
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
    if (inFlight !== undefined) await inFlight;
    if (queue.length > 0) {
      const lost = queue.length;
      queue = [];
      drop(lost);
    }
    if (pruning !== undefined) await pruning;
    await store.close();
  }

  return {
    enqueue(row) {
      if (closing !== undefined || queue.length >= queueSize) {
        drop(1);
        return false;
      }
      queue.push(row);
      if (queue.length >= batchSize) schedulePump();
      return true;
    },
    find(id) {
      // Newest first: the rows asked for are the ones just answered. Rows leave the queue only once the
      // store has them, so a row is always in one of the two.
      for (let index = queue.length - 1; index >= 0; index--) {
        const row = queue[index];
        if (row?.id === id) return row;
      }
      return undefined;
    },
    flush,
    close() {
      closing ??= drainForClose();
      return closing;
    },
    get queued() {
      return queue.length;
    },
    get dropped() {
      return dropped;
    },
    get written() {
      return written;
    },
  };
}

/** Callbacks are metrics and logs: one that throws must not break the writer (or the request path). */
function report<T>(callback: ((value: T) => void) | undefined, value: T): void {
  try {
    callback?.(value);
  } catch {
    // ignored on purpose
  }
}
