/**
 * The worker thread that owns the SQLite database (sqlite-worker-store.ts): `node:sqlite` is
 * synchronous, and a batch insert on the gateway's own thread would stall every request in flight for
 * its duration. Each message is one store call; each answer carries its id.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { createSqliteStore } from './sqlite-store.ts';
import type { WorkerCall, WorkerReply } from './sqlite-worker-protocol.ts';

const port = parentPort;
if (port === null) throw new Error('sqlite-worker.ts runs as a worker thread');
const store = createSqliteStore((workerData as { path: string }).path);

async function perform(call: WorkerCall): Promise<unknown> {
  switch (call.op) {
    case 'init':
      return store.init();
    case 'insert':
      return store.insertParams(call.rows);
    case 'get':
      return store.get(call.id);
    case 'statsRows':
      return store.statsRows(call.query);
    case 'prune':
      return store.prune(call.before);
    case 'close':
      return store.close();
  }
}

port.on('message', (call: WorkerCall) => {
  perform(call).then(
    (result) => port.postMessage({ seq: call.seq, ok: true, result } satisfies WorkerReply),
    (error: unknown) =>
      port.postMessage({
        seq: call.seq,
        ok: false,
        message: error instanceof Error ? error.message : String(error),
      } satisfies WorkerReply),
  );
});
