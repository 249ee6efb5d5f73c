/**
 * The SQLite store as the gateway uses it: the database lives in a worker thread (sqlite-worker.ts), so
 * inserts, statistics reads and pruning never block the event loop that serves requests. A batch
 * crosses to the worker in small chunks — copying rows into a message costs the sending thread too —
 * and every chunk is idempotent (`INSERT OR IGNORE`), so a retried batch cannot duplicate rows.
 */

import { Worker } from 'node:worker_threads';
import type { RequestLogRow, StatsRow } from './row.ts';
import { toParams } from './sqlite-row-codec.ts';
import type { RequestLogStore } from './store.ts';
import type { WorkerCall, WorkerReply } from './sqlite-worker-protocol.ts';

/** Rows per message: a few hundred microseconds of copying on the gateway's thread at most. */
const ROWS_PER_MESSAGE = 32;

/**
 * The worker's young generation, in MB. Its garbage is a batch of rows at a time; V8's default young
 * generation would let it grow to tens of MB of resident memory (docs/benchmarks.md).
 */
const WORKER_YOUNG_GENERATION_MB = 4;

/** Distributive Omit, so each call keeps its own fields. */
type CallBody = WorkerCall extends infer Call ? (Call extends WorkerCall ? Omit<Call, 'seq'> : never) : never;

export function createSqliteWorkerStore(path: string): RequestLogStore {
  // The sources run as .ts (type stripping) and the build as .js: the worker file matches this one's.
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const worker = new Worker(new URL(`./sqlite-worker${extension}`, import.meta.url), {
    workerData: { path },
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
  // The gateway's shutdown closes the store; an idle worker must not keep the process alive meanwhile.
  worker.unref();
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let seq = 0;
  let failure: Error | undefined;

  worker.on('message', (reply: WorkerReply) => {
    const call = pending.get(reply.seq);
    if (call === undefined) return;
    pending.delete(reply.seq);
    if (reply.ok) call.resolve(reply.result);
    else call.reject(new Error(`request log (sqlite): ${reply.message}`));
  });
  const failAll = (error: Error): void => {
    failure = error;
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  worker.on('error', (error: unknown) => {
    failAll(error instanceof Error ? error : new Error(String(error)));
  });
  worker.on('exit', (code) => failAll(new Error(`request log (sqlite): worker exited (${code})`)));

  const call = <T>(body: CallBody): Promise<T> => {
    if (failure !== undefined) return Promise.reject(failure);
    seq += 1;
    const message = { ...body, seq } as WorkerCall;
    return new Promise<T>((resolve, reject) => {
      pending.set(message.seq, { resolve: resolve as (value: unknown) => void, reject });
      worker.ref(); // a call in flight keeps the process alive until answered
      worker.postMessage(message);
    }).finally(() => {
      if (pending.size === 0) worker.unref();
    });
  };

  return {
    kind: 'sqlite',
    init: () => call<void>({ op: 'init' }),
    async insert(rows: readonly RequestLogRow[]) {
      for (let start = 0; start < rows.length; start += ROWS_PER_MESSAGE) {
        const chunk = rows.slice(start, start + ROWS_PER_MESSAGE).map(toParams);
        await call<void>({ op: 'insert', rows: chunk });
      }
    },
    get: (id) => call<RequestLogRow | undefined>({ op: 'get', id }),
    statsRows: (query) => call<StatsRow[]>({ op: 'statsRows', query }),
    prune: (before) => call<number>({ op: 'prune', before }),
    async close() {
      if (failure === undefined) await call<void>({ op: 'close' });
      await worker.terminate();
    },
  };
}
