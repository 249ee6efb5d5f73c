/** Messages between the gateway and the SQLite worker thread. */

import type { RowParams } from './sqlite-store.ts';
import type { StatsQuery } from './store.ts';

export type WorkerCall = { readonly seq: number } & (
  | { readonly op: 'init' }
  // Rows as column values: flat arrays of strings and numbers copy between threads far cheaper than
  // the rows' nested objects.
  | { readonly op: 'insert'; readonly rows: readonly RowParams[] }
  | { readonly op: 'get'; readonly id: string }
  | { readonly op: 'statsRows'; readonly query: StatsQuery }
  | { readonly op: 'prune'; readonly before: number }
  | { readonly op: 'close' }
);

export type WorkerReply =
  | { readonly seq: number; readonly ok: true; readonly result: unknown }
  | { readonly seq: number; readonly ok: false; readonly message: string };
