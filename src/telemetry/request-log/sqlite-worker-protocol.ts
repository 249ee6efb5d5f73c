/** Messages between the gateway and the SQLite worker thread. */

import type { RequestLogRow } from './row.ts';
import type { StatsQuery } from './store.ts';

export type WorkerCall = { readonly seq: number } & (
  | { readonly op: 'init' }
  | { readonly op: 'insert'; readonly rows: readonly RequestLogRow[] }
  | { readonly op: 'get'; readonly id: string }
  | { readonly op: 'statsRows'; readonly query: StatsQuery }
  | { readonly op: 'prune'; readonly before: number }
  | { readonly op: 'close' }
);

export type WorkerReply =
  | { readonly seq: number; readonly ok: true; readonly result: unknown }
  | { readonly seq: number; readonly ok: false; readonly message: string };
