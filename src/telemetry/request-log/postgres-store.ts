/**
 * The request log in PostgreSQL, for several replicas sharing one log. Same columns as the SQLite store;
 * the nested parts are jsonb (tags can be queried with `@>`). Note jsonb reorders object keys: rows
 * read back are equal, not byte-identical JSON.
 */

import { Pool, type PoolConfig } from 'pg';
import type { RequestLogRow, StatsRow } from './row.ts';
import type { RequestLogStore, StatsQuery } from './store.ts';

export interface PostgresStoreOptions {
  /** Table name (lower-case identifier); default `requests`. Tests use one table per run. */
  readonly table?: string;
  /** Pool settings on top of the defaults below (tests shorten timeouts). */
  readonly pool?: Omit<PoolConfig, 'connectionString'>;
}

/** Short enough that `<table>_received_at` stays within PostgreSQL's 63-byte identifiers. */
const TABLE_NAME = /^[a-z_][a-z0-9_]{0,49}$/;

/**
 * [column, type, constraint]. The insert sends one array per column, so a batch of any size is 30
 * parameters (far below PostgreSQL's 65,535).
 */
const COLUMNS = [
  ['id', 'text', 'PRIMARY KEY'],
  ['received_at', 'bigint', 'NOT NULL'],
  ['config_version', 'text', 'NOT NULL'],
  ['protocol', 'text', 'NOT NULL'],
  ['stream', 'boolean', 'NOT NULL'],
  ['requested_model', 'text', 'NOT NULL'],
  ['route', 'text', ''],
  ['served_model', 'text', ''],
  ['provider', 'text', ''],
  ['status', 'integer', 'NOT NULL'],
  ['outcome', 'text', 'NOT NULL'],
  ['error_message', 'text', ''],
  ['tenant', 'text', ''],
  ['fallback', 'boolean', 'NOT NULL'],
  ['retries', 'integer', 'NOT NULL'],
  ['input_tokens', 'bigint', ''],
  ['output_tokens', 'bigint', ''],
  ['cached_input_tokens', 'bigint', ''],
  ['cost_usd', 'double precision', 'NOT NULL'],
  ['decision_ms', 'double precision', 'NOT NULL'],
  ['queue_ms', 'double precision', 'NOT NULL'],
  ['ttft_ms', 'double precision', ''],
  ['total_ms', 'double precision', 'NOT NULL'],
  ['upstream_ms', 'double precision', 'NOT NULL'],
  ['overhead_ms', 'double precision', 'NOT NULL'],
  ['tags', 'jsonb', 'NOT NULL'],
  ['decision', 'jsonb', ''],
  ['attempts', 'jsonb', 'NOT NULL'],
  ['prompt', 'jsonb', ''],
  ['completion', 'text', ''],
] as const;

type Param = string | number | boolean | null;

/** A row as pg returns it: int8 as text (it may exceed 2^53), jsonb selected as text (see `get`). */
interface PgRow {
  readonly id: string;
  readonly received_at: string;
  readonly config_version: string;
  readonly protocol: RequestLogRow['protocol'];
  readonly stream: boolean;
  readonly requested_model: string;
  readonly route: string | null;
  readonly served_model: string | null;
  readonly provider: string | null;
  readonly status: number;
  readonly outcome: RequestLogRow['outcome'];
  readonly error_message: string | null;
  readonly tenant: string | null;
  readonly fallback: boolean;
  readonly retries: number;
  readonly input_tokens: string | null;
  readonly output_tokens: string | null;
  readonly cached_input_tokens: string | null;
  readonly cost_usd: number;
  readonly decision_ms: number;
  readonly queue_ms: number;
  readonly ttft_ms: number | null;
  readonly total_ms: number;
  readonly upstream_ms: number;
  readonly overhead_ms: number;
  readonly tags: string;
  readonly decision: string | null;
  readonly attempts: string;
  readonly prompt: string | null;
  readonly completion: string | null;
}

type PgStatsRow = Pick<
  PgRow,
  | 'received_at'
  | 'route'
  | 'served_model'
  | 'provider'
  | 'tenant'
  | 'outcome'
  | 'fallback'
  | 'total_ms'
  | 'ttft_ms'
  | 'input_tokens'
  | 'output_tokens'
  | 'cost_usd'
>;

export function createPostgresStore(url: string, options: PostgresStoreOptions = {}): RequestLogStore {
  const table = options.table ?? 'requests';
  if (!TABLE_NAME.test(table)) throw new Error(`request log (postgres): invalid table name "${table}"`);
  const pool = new Pool({
    connectionString: url,
    max: 4,
    // A database that is down must fail the write (the writer retries), not hang it.
    connectionTimeoutMillis: 5_000,
    query_timeout: 30_000,
    idleTimeoutMillis: 30_000,
    allowExitOnIdle: true,
    application_name: 'switchyard-request-log',
    ...options.pool,
  });
  // An idle client's connection dropping (a database restart) is emitted here; without a listener it
  // would crash the process. The next query reconnects or fails, and the writer retries it.
  pool.on('error', () => {});
  let closed = false;

  const schema = [
    `CREATE TABLE IF NOT EXISTS ${table} (${COLUMNS.map((column) => column.join(' ').trim()).join(', ')})`,
    `CREATE INDEX IF NOT EXISTS ${table}_received_at ON ${table} (received_at)`,
  ];
  const insertSql =
    `INSERT INTO ${table} (${COLUMNS.map(([name]) => name).join(', ')}) ` +
    `SELECT * FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')}) ` +
    `ON CONFLICT (id) DO NOTHING`;
  // jsonb as text: pg would parse SQL NULL and JSON null both to null; the text keeps them apart.
  const selectColumns = COLUMNS.map(([name, type]) => (type === 'jsonb' ? `${name}::text AS ${name}` : name));
  const getSql = `SELECT ${selectColumns.join(', ')} FROM ${table} WHERE id = $1`;
  const statsSql =
    `SELECT received_at, route, served_model, provider, tenant, outcome, fallback, total_ms, ttft_ms, ` +
    `input_tokens, output_tokens, cost_usd FROM ${table} ` +
    `WHERE received_at >= $1 AND received_at < $2 ORDER BY received_at`;

  return {
    kind: 'postgres',
    async init() {
      const client = await pool.connect();
      try {
        // Concurrent CREATE ... IF NOT EXISTS can still collide in the catalogue (a unique violation on
        // pg_type) when replicas start together: serialise the DDL on a lock named after the table.
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
          `switchyard.request_log.${table}`,
        ]);
        for (const statement of schema) await client.query(statement);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async insert(rows) {
      if (rows.length === 0) return;
      const columns: Param[][] = COLUMNS.map(() => []);
      for (const row of rows) {
        toParams(row).forEach((value, i) => columns[i]?.push(value));
      }
      // One statement: atomic on its own, no explicit transaction needed.
      await pool.query(insertSql, columns);
    },
    async get(id) {
      const result = await pool.query<PgRow>(getSql, [id]);
      const record = result.rows[0];
      return record === undefined ? undefined : fromRecord(record);
    },
    async statsRows(query: StatsQuery) {
      const result = await pool.query<PgStatsRow>(statsSql, [query.since, query.until ?? Date.now()]);
      return result.rows.map(toStatsRow);
    },
    async prune(before) {
      const result = await pool.query(`DELETE FROM ${table} WHERE received_at < $1`, [before]);
      return result.rowCount ?? 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/**
 * PostgreSQL text rejects NUL, and jsonb also rejects escaped lone surrogates, either of which a client's
 * prompt or metadata may carry. One such row would fail its whole batch on every retry, so both become
 * U+FFFD here (the only way a row read back can differ from the row written).
 */
function safeText(value: string): string {
  return value.replace(
    /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  );
}

function safeTextOrNull(value: string | null): string | null {
  return value === null ? null : safeText(value);
}

function safeJson(value: unknown): string | null {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  // JSON.stringify escapes exactly the problem characters as \u0000 and \udXXX (a well-formed pair is
  // written raw); an escape is a backslash run of odd length, an even run is escaped backslashes.
  if (!text.includes('\\u')) return text;
  return text.replace(/(\\+)u(0000|d[89a-f][0-9a-f]{2})/gi, (match, slashes: string) =>
    slashes.length % 2 === 1 ? `${slashes}ufffd` : match,
  );
}

/** Integer columns: a fractional value would fail the batch on every retry, so it is rounded. */
function int(value: number): number {
  return Number.isFinite(value) ? Math.round(value) : value;
}

function intOrNull(value: number | null): number | null {
  return value === null ? null : int(value);
}

function toParams(row: RequestLogRow): Param[] {
  const latency = row.latency;
  return [
    safeText(row.id),
    int(row.receivedAt),
    safeText(row.configVersion),
    row.protocol,
    row.stream,
    safeText(row.requestedModel),
    safeTextOrNull(row.route),
    safeTextOrNull(row.servedModel),
    safeTextOrNull(row.provider),
    int(row.status),
    row.outcome,
    safeTextOrNull(row.errorMessage),
    safeTextOrNull(row.tenant),
    row.fallback,
    int(row.retries),
    intOrNull(row.inputTokens),
    intOrNull(row.outputTokens),
    intOrNull(row.cachedInputTokens),
    row.costUsd,
    latency.decisionMs,
    latency.queueMs,
    latency.ttftMs,
    latency.totalMs,
    latency.upstreamMs,
    latency.overheadMs,
    safeJson(row.tags),
    row.decision === null ? null : safeJson(row.decision),
    safeJson(row.attempts),
    safeJson(row.prompt),
    safeTextOrNull(row.completion),
  ];
}

function numOrNull(value: string | null): number | null {
  return value === null ? null : Number(value);
}

function fromRecord(record: PgRow): RequestLogRow {
  return {
    id: record.id,
    receivedAt: Number(record.received_at),
    configVersion: record.config_version,
    protocol: record.protocol,
    stream: record.stream,
    requestedModel: record.requested_model,
    route: record.route,
    servedModel: record.served_model,
    provider: record.provider,
    status: record.status,
    outcome: record.outcome,
    errorMessage: record.error_message,
    tenant: record.tenant,
    tags: JSON.parse(record.tags) as RequestLogRow['tags'],
    fallback: record.fallback,
    retries: record.retries,
    inputTokens: numOrNull(record.input_tokens),
    outputTokens: numOrNull(record.output_tokens),
    cachedInputTokens: numOrNull(record.cached_input_tokens),
    costUsd: record.cost_usd,
    latency: {
      decisionMs: record.decision_ms,
      queueMs: record.queue_ms,
      ttftMs: record.ttft_ms,
      totalMs: record.total_ms,
      upstreamMs: record.upstream_ms,
      overheadMs: record.overhead_ms,
    },
    decision: record.decision === null ? null : (JSON.parse(record.decision) as RequestLogRow['decision']),
    attempts: JSON.parse(record.attempts) as RequestLogRow['attempts'],
    prompt: record.prompt === null ? undefined : (JSON.parse(record.prompt) as unknown),
    completion: record.completion,
  };
}

function toStatsRow(record: PgStatsRow): StatsRow {
  return {
    receivedAt: Number(record.received_at),
    route: record.route,
    servedModel: record.served_model,
    provider: record.provider,
    tenant: record.tenant,
    outcome: record.outcome,
    fallback: record.fallback,
    totalMs: record.total_ms,
    ttftMs: record.ttft_ms,
    inputTokens: numOrNull(record.input_tokens),
    outputTokens: numOrNull(record.output_tokens),
    costUsd: record.cost_usd,
  };
}
