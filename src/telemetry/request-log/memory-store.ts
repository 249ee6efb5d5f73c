/**
 * The request log in memory (`store: memory`, tests, tools): the last `capacity` rows by arrival at the
 * store, the oldest dropped first. Nothing survives a restart.
 */

import type { RequestLogRow, StatsRow } from './row.ts';
import type { RequestLogStore, StatsQuery } from './store.ts';

export function createMemoryStore(capacity: number): RequestLogStore {
  const limit = Math.max(0, Math.floor(capacity));
  // A Map keeps insertion order, so its first key is always the oldest row to evict.
  const rows = new Map<string, RequestLogRow>();

  return {
    kind: 'memory',
    async init() {},
    async insert(batch) {
      for (const row of batch) {
        if (rows.has(row.id)) continue;
        rows.set(row.id, row);
        while (rows.size > limit) {
          const oldest = rows.keys().next();
          if (oldest.done === true) break;
          rows.delete(oldest.value);
        }
      }
    },
    async get(id) {
      return rows.get(id);
    },
    async statsRows(query: StatsQuery) {
      const until = query.until ?? Date.now();
      const selected: StatsRow[] = [];
      for (const row of rows.values()) {
        if (row.receivedAt >= query.since && row.receivedAt < until) selected.push(toStatsRow(row));
      }
      // Rows arrive roughly, not strictly, in time order (batches from several writers): sort (stable).
      return selected.sort((a, b) => a.receivedAt - b.receivedAt);
    },
    async prune(before) {
      let deleted = 0;
      for (const [id, row] of rows) {
        if (row.receivedAt < before) {
          rows.delete(id);
          deleted++;
        }
      }
      return deleted;
    },
    async close() {
      rows.clear();
    },
  };
}

function toStatsRow(row: RequestLogRow): StatsRow {
  return {
    receivedAt: row.receivedAt,
    route: row.route,
    servedModel: row.servedModel,
    provider: row.provider,
    tenant: row.tenant,
    outcome: row.outcome,
    fallback: row.fallback,
    totalMs: row.latency.totalMs,
    ttftMs: row.latency.ttftMs,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    costUsd: row.costUsd,
  };
}
