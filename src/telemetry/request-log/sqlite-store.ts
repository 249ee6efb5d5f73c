/**
 * The request log in an embedded SQLite file (node:sqlite, no native addon): the default store. Stats
 * and filters read real columns; the nested parts (tags, decision, attempts, bodies) are JSON text.
 *
 * node:sqlite is synchronous, so every call blocks the event loop while it runs: inserts come in
 * batches small enough to write in a few milliseconds, and pruning deletes in chunks, yielding between.
 */

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type SQLOutputValue, type StatementSync } from 'node:sqlite';
import type { LatencyBreakdown, RequestLogRow, StatsRow } from './row.ts';
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

const COLUMNS = [
  'id',
  'received_at',
  'config_version',
  'protocol',
  'stream',
  'requested_model',
  'route',
  'served_model',
  'provider',
  'status',
  'outcome',
  'error_message',
  'tenant',
  'fallback',
  'retries',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'cost_usd',
  'decision_ms',
  'queue_ms',
  'ttft_ms',
  'total_ms',
  'upstream_ms',
  'overhead_ms',
  'tags',
  'decision',
  'attempts',
  'prompt',
  'completion',
] as const;

const STATS_COLUMNS =
  'received_at, route, served_model, provider, tenant, outcome, fallback, total_ms, ttft_ms, ' +
  'input_tokens, output_tokens, cost_usd';

interface Open {
  readonly db: DatabaseSync;
  readonly insert: StatementSync;
  readonly get: StatementSync;
  readonly stats: StatementSync;
  readonly pruneChunk: StatementSync;
}

/** `path` is a file (created with its directory) or `:memory:`. The file is opened by `init()`. */
export function createSqliteStore(path: string): RequestLogStore {
  const inMemory = path === ':memory:' || path === '';
  let open: Open | undefined;

  function current(): Open {
    if (open === undefined) throw new Error('request log (sqlite): not open (init() not called, or closed)');
    return open;
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
      if (rows.length === 0) return;
      const { db: database, insert } = current();
      // IMMEDIATE takes the write lock up front, so a busy file waits (busy_timeout) instead of failing
      // half-way when a read transaction would have to be upgraded.
      database.exec('BEGIN IMMEDIATE');
      try {
        for (const row of rows) insert.run(...toParams(row));
        database.exec('COMMIT');
      } catch (error) {
        if (database.isTransaction) database.exec('ROLLBACK');
        throw error;
      }
    },
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

function json(value: unknown): string | null {
  // `undefined` (no prompt) has no JSON text: stored as NULL and read back as undefined.
  return value === undefined ? null : JSON.stringify(value);
}

function toParams(row: RequestLogRow): SQLInputValue[] {
  const latency: LatencyBreakdown = row.latency;
  return [
    row.id,
    row.receivedAt,
    row.configVersion,
    row.protocol,
    row.stream ? 1 : 0,
    row.requestedModel,
    row.route,
    row.servedModel,
    row.provider,
    row.status,
    row.outcome,
    row.errorMessage,
    row.tenant,
    row.fallback ? 1 : 0,
    row.retries,
    row.inputTokens,
    row.outputTokens,
    row.cachedInputTokens,
    row.costUsd,
    latency.decisionMs,
    latency.queueMs,
    latency.ttftMs,
    latency.totalMs,
    latency.upstreamMs,
    latency.overheadMs,
    JSON.stringify(row.tags),
    row.decision === null ? null : JSON.stringify(row.decision),
    JSON.stringify(row.attempts),
    json(row.prompt),
    row.completion,
  ];
}

type SqlRecord = Record<string, SQLOutputValue>;

function text(record: SqlRecord, column: string): string {
  const value = record[column];
  if (typeof value !== 'string') throw new Error(`request log (sqlite): ${column} is not text`);
  return value;
}

function textOrNull(record: SqlRecord, column: string): string | null {
  return record[column] === null ? null : text(record, column);
}

function num(record: SqlRecord, column: string): number {
  const value = record[column];
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new Error(`request log (sqlite): ${column} is not a number`);
}

function numOrNull(record: SqlRecord, column: string): number | null {
  return record[column] === null ? null : num(record, column);
}

function fromRecord(record: SqlRecord): RequestLogRow {
  const prompt = textOrNull(record, 'prompt');
  const decision = textOrNull(record, 'decision');
  return {
    id: text(record, 'id'),
    receivedAt: num(record, 'received_at'),
    configVersion: text(record, 'config_version'),
    protocol: text(record, 'protocol') as RequestLogRow['protocol'],
    stream: num(record, 'stream') !== 0,
    requestedModel: text(record, 'requested_model'),
    route: textOrNull(record, 'route'),
    servedModel: textOrNull(record, 'served_model'),
    provider: textOrNull(record, 'provider'),
    status: num(record, 'status'),
    outcome: text(record, 'outcome') as RequestLogRow['outcome'],
    errorMessage: textOrNull(record, 'error_message'),
    tenant: textOrNull(record, 'tenant'),
    tags: JSON.parse(text(record, 'tags')) as RequestLogRow['tags'],
    fallback: num(record, 'fallback') !== 0,
    retries: num(record, 'retries'),
    inputTokens: numOrNull(record, 'input_tokens'),
    outputTokens: numOrNull(record, 'output_tokens'),
    cachedInputTokens: numOrNull(record, 'cached_input_tokens'),
    costUsd: num(record, 'cost_usd'),
    latency: {
      decisionMs: num(record, 'decision_ms'),
      queueMs: num(record, 'queue_ms'),
      ttftMs: numOrNull(record, 'ttft_ms'),
      totalMs: num(record, 'total_ms'),
      upstreamMs: num(record, 'upstream_ms'),
      overheadMs: num(record, 'overhead_ms'),
    },
    decision: decision === null ? null : (JSON.parse(decision) as RequestLogRow['decision']),
    attempts: JSON.parse(text(record, 'attempts')) as RequestLogRow['attempts'],
    prompt: prompt === null ? undefined : (JSON.parse(prompt) as unknown),
    completion: textOrNull(record, 'completion'),
  };
}

function toStatsRow(record: SqlRecord): StatsRow {
  return {
    receivedAt: num(record, 'received_at'),
    route: textOrNull(record, 'route'),
    servedModel: textOrNull(record, 'served_model'),
    provider: textOrNull(record, 'provider'),
    tenant: textOrNull(record, 'tenant'),
    outcome: text(record, 'outcome'),
    fallback: num(record, 'fallback') !== 0,
    totalMs: num(record, 'total_ms'),
    ttftMs: numOrNull(record, 'ttft_ms'),
    inputTokens: numOrNull(record, 'input_tokens'),
    outputTokens: numOrNull(record, 'output_tokens'),
    costUsd: num(record, 'cost_usd'),
  };
}
