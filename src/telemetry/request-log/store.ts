/**
 * The request log's storage, behind one interface: SQLite embedded (node:sqlite, no native addon) by
 * default, PostgreSQL (pg) when several replicas share one log, memory for tests and tools. Writes come
 * in batches from the writer (writer.ts), never from the request path.
 */

import type { RequestLogRow, StatsRow } from './row.ts';

export interface StatsQuery {
  /** Epoch ms, inclusive. */
  readonly since: number;
  /** Epoch ms, exclusive; default now. */
  readonly until?: number;
}

export interface RequestLogStore {
  readonly kind: 'sqlite' | 'postgres' | 'memory';
  /** Creates the schema if absent (idempotent, safe for several replicas starting at once). */
  init(): Promise<void>;
  /** Writes one batch atomically (one transaction). */
  insert(rows: readonly RequestLogRow[]): Promise<void>;
  get(id: string): Promise<RequestLogRow | undefined>;
  /** The rows of a time window, stats columns only, oldest first. */
  statsRows(query: StatsQuery): Promise<StatsRow[]>;
  /** Deletes rows received before `before` (epoch ms); resolves with how many. */
  prune(before: number): Promise<number>;
  close(): Promise<void>;
}
