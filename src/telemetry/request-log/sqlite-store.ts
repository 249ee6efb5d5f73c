/**
 * The request log in an embedded SQLite file (node:sqlite, no native addon): the default store. Stats
 * and filters read real columns; the nested parts (tags, decision, attempts, bodies) are JSON text.
 *
 * node:sqlite is synchronous, so every call blocks the event loop while it runs: inserts come in
 * batches small enough to write in a few milliseconds, and pruning deletes in chunks, yielding between.
 */

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { COLUMNS, fromRecord, STATS_COLUMNS, toParams, toStatsRow } from './sqlite-row-codec.ts';
import type { RequestLogStore, StatsQuery } from './store.ts';

/** Rows deleted per statement while pruning: a few milliseconds each, so requests are served between. */
const PRUNE_CHUNK = 2_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS requests (
  id TEXT PRIMARY KEY,
  received_at INTEGER NOT NULL,
  config_version TEXT NOT NULL,
  protocol TEXT NOT NULL,
  stream INTEGER NOT NULL,
  requested_model TEXT NOT NULL,
  route TEXT,
  served_model TEXT,
  provider TEXT,
  status INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  error_message TEXT,
  tenant TEXT,
  fallback INTEGER NOT NULL,
  retries INTEGER NOT NULL,
  input_tokens INTEGER,
  output_tokens INTEGER,
  cached_input_tokens INTEGER,
  cost_usd REAL NOT NULL,
  decision_ms REAL NOT NULL,
  queue_ms REAL NOT NULL,
  ttft_ms REAL,
  total_ms REAL NOT NULL,
  upstream_ms REAL NOT NULL,
  overhead_ms REAL NOT NULL,
  tags TEXT NOT NULL,
  decision TEXT,
  attempts TEXT NOT NULL,
  prompt TEXT,
  completion TEXT
);
CREATE INDEX IF NOT EXISTS requests_received_at ON requests (received_at);
`;

interface Open {
  readonly db: DatabaseSync;
  readonly insert: StatementSync;
  readonly get: StatementSync;
  readonly stats: StatementSync;
  readonly pruneChunk: StatementSync;
}

/** A row's column values, in the order of COLUMNS (sqlite-row-codec.ts). */
export type RowParams = readonly SQLInputValue[];

export interface SqliteStore extends RequestLogStore {
  /** `insert` for rows already turned into column values (what the gateway's thread sends its worker). */
  insertParams(rows: readonly RowParams[]): void;
}

/** `path` is a file (created with its directory) or `:memory:`. The file is opened by `init()`. */
export function createSqliteStore(path: string): SqliteStore {
  const inMemory = path === ':memory:' || path === '';
  let open: Open | undefined;

  function current(): Open {
    if (open === undefined) throw new Error('request log (sqlite): not open (init() not called, or closed)');
    return open;
  }

  function insertParams(rows: readonly RowParams[]): void {
    if (rows.length === 0) return;
    const { db: database, insert } = current();
    // IMMEDIATE takes the write lock up front, so a busy file waits (busy_timeout) instead of failing
    // half-way when a read transaction would have to be upgraded.
    database.exec('BEGIN IMMEDIATE');
    try {
      for (const params of rows) insert.run(...params);
      database.exec('COMMIT');
    } catch (error) {
      if (database.isTransaction) database.exec('ROLLBACK');
      throw error;
    }
  }

  return {
    kind: 'sqlite',
    async init() {
      if (open !== undefined) return;
      if (!inMemory) mkdirSync(dirname(path), { recursive: true });
      const opened = new DatabaseSync(path);
      try {
        if (!inMemory) {
          // WAL: readers (stats) never wait for the writer; NORMAL is durable across process crashes.
          opened.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
        }
        // Another process (a CLI reading the log) may hold the lock for a moment.
        opened.exec('PRAGMA busy_timeout = 5000;');
        opened.exec(SCHEMA);
        open = {
          db: opened,
          insert: opened.prepare(
            `INSERT OR IGNORE INTO requests (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`,
          ),
          get: opened.prepare(`SELECT ${COLUMNS.join(', ')} FROM requests WHERE id = ?`),
          stats: opened.prepare(
            `SELECT ${STATS_COLUMNS} FROM requests WHERE received_at >= ? AND received_at < ? ORDER BY received_at`,
          ),
          pruneChunk: opened.prepare(
            `DELETE FROM requests WHERE rowid IN (SELECT rowid FROM requests WHERE received_at < ? LIMIT ${PRUNE_CHUNK})`,
          ),
        };
      } catch (error) {
        opened.close();
        throw error;
      }
    },
    async insert(rows) {
      insertParams(rows.map(toParams));
    },
    insertParams,
    async get(id) {
      const record = current().get.get(id);
      return record === undefined ? undefined : fromRecord(record);
    },
    async statsRows(query: StatsQuery) {
      const records = current().stats.all(query.since, query.until ?? Date.now());
      return records.map(toStatsRow);
    },
    async prune(before) {
      let deleted = 0;
      for (;;) {
        if (open === undefined) break; // closed while pruning
        const changes = Number(open.pruneChunk.run(before).changes);
        deleted += changes;
        if (changes < PRUNE_CHUNK) break;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      return deleted;
    },
    async close() {
      const closing = open;
      open = undefined;
      if (closing?.db.isOpen === true) closing.db.close();
    },
  };
}
