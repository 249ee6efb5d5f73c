/**
 * How a request-log row maps to the SQLite table's columns and back. Kept apart from the store so the
 * gateway's thread can turn rows into column values (flat, cheap to copy to the writer thread) without
 * loading node:sqlite.
 */

import type { SQLInputValue, SQLOutputValue } from 'node:sqlite';
import type { LatencyBreakdown, RequestLogRow, StatsRow } from './row.ts';

export const COLUMNS = [
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

export const STATS_COLUMNS =
  'received_at, route, served_model, provider, tenant, outcome, fallback, total_ms, ttft_ms, ' +
  'input_tokens, output_tokens, cost_usd';

function json(value: unknown): string | null {
  // `undefined` (no prompt) has no JSON text: stored as NULL and read back as undefined.
  return value === undefined ? null : JSON.stringify(value);
}

export function toParams(row: RequestLogRow): SQLInputValue[] {
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

export type SqlRecord = Record<string, SQLOutputValue>;

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

export function fromRecord(record: SqlRecord): RequestLogRow {
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

export function toStatsRow(record: SqlRecord): StatsRow {
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
