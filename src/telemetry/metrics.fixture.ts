/**
 * Telemetry events for the metrics tests and benchmark: five requests as the pipeline emits them — a
 * success, a retry and a fallback after a billed failure, a stream, a failure, and a request rejected
 * before routing — with a tenant and a requested model that must never become labels.
 */

import type { AttemptRecord } from '../executor/attempt.ts';
import type { RoutingDecision } from '../routing/decision.ts';
import type { TelemetryEvent } from './events.ts';
import type { RequestLogRow } from './request-log/row.ts';

export const TENANT = 'tenant-acme "secret"';
export const FREE_TEXT_MODEL = 'whatever-the-client-typed';

/** An ended attempt: the model it called, its provider, duration and outcome, then anything else. */
export function attempt(
  target: string,
  provider: string,
  durationMs: number,
  outcome: AttemptRecord['outcome'],
  more: Partial<AttemptRecord> = {},
): AttemptRecord {
  const [usage, costUsd, firstTokenMs, message] = [undefined, undefined, undefined, undefined];
  const deployment = `${provider}/${target}-upstream`;
  const base = { target, provider, deployment, startedAtMs: 0, durationMs, outcome, upstreamStatus: 200 };
  return { ...base, message, firstTokenMs, usage, costUsd, queueMs: 0, dropped: [], ...more };
}

const billed = (inputTokens: number, outputTokens: number, costUsd: number) => ({
  usage: { inputTokens, outputTokens },
  costUsd,
});

export function decision(route: string, targets: readonly string[]): RoutingDecision {
  return {
    requested: FREE_TEXT_MODEL,
    route,
    selection: 'matched',
    rules: [],
    candidates: targets,
    removed: [],
    targets,
  };
}

function row(fields: Partial<RequestLogRow> & Pick<RequestLogRow, 'id' | 'attempts'>): RequestLogRow {
  const served = fields.attempts.findLast((record) => record.outcome === 'ok');
  return {
    receivedAt: 1_700_000_000_000,
    configVersion: 'abc123',
    protocol: 'openai',
    stream: false,
    requestedModel: FREE_TEXT_MODEL,
    route: 'chat',
    servedModel: served?.target ?? null,
    provider: served?.provider ?? null,
    status: 200,
    outcome: 'ok',
    errorMessage: null,
    tenant: TENANT,
    tags: { team: 'search' },
    fallback: false,
    retries: Math.max(0, fields.attempts.length - 1),
    inputTokens: served?.usage?.inputTokens ?? null,
    outputTokens: served?.usage?.outputTokens ?? null,
    cachedInputTokens: null,
    costUsd: fields.attempts.reduce((sum, record) => sum + (record.costUsd ?? 0), 0),
    latency: { decisionMs: 0.2, queueMs: 0, ttftMs: null, totalMs: 1000, upstreamMs: 998, overheadMs: 1.8 },
    decision: decision(fields.route ?? 'chat', ['gpt-4o']),
    prompt: null,
    completion: null,
    ...fields,
  };
}

/** The events of one request, in the order the pipeline emits them. */
function request(
  id: string,
  route: string | null,
  attempts: readonly AttemptRecord[],
  end: Partial<RequestLogRow>,
  ttftMs?: number,
): TelemetryEvent[] {
  const stream = end.stream ?? false;
  const events: TelemetryEvent[] = [{ type: 'request-start', requestId: id, protocol: 'openai', stream }];
  if (route === null)
    return [...events, { type: 'request-end', row: row({ id, attempts, route, decision: null, ...end }) }];
  events.push({ type: 'decision', requestId: id, decision: decision(route, ['x']), decisionMs: 0.08 });
  for (const record of attempts) {
    events.push({ type: 'attempt-start', requestId: id, route, attempt: { ...record, outcome: 'pending' } });
    events.push({ type: 'attempt-end', requestId: id, route, attempt: record });
  }
  const served = attempts.findLast((record) => record.outcome === 'ok');
  if (ttftMs !== undefined && served !== undefined) {
    events.push({
      type: 'first-token',
      requestId: id,
      route,
      model: served.target,
      provider: served.provider,
      ttftMs,
    });
  }
  events.push({ type: 'request-end', row: row({ id, attempts, route, ...end }) });
  return events;
}

const STREAM_LATENCY = {
  decisionMs: 0.1,
  queueMs: 0,
  ttftMs: 120,
  totalMs: 1120,
  upstreamMs: 1110,
  overheadMs: 0.4,
};

export const EVENTS: TelemetryEvent[] = [
  // 1. A plain success (100 ms of it queued at the gate).
  ...request(
    'r1',
    'chat',
    [attempt('gpt-4o', 'openai', 900, 'ok', { queueMs: 100, ...billed(100, 50, 0.001) })],
    {},
  ),
  // 2. A retry, then a fallback: two failures on claude (the first billed for a cut stream), then gpt-4o.
  ...request(
    'r2',
    'chat',
    [
      attempt('claude', 'anthropic', 300, 'stream_truncated', billed(200, 10, 0.0004)),
      attempt('claude', 'anthropic', 20, 'upstream_overloaded', { upstreamStatus: 529 }),
      attempt('gpt-4o', 'openai', 1500, 'ok', billed(200, 80, 0.002)),
    ],
    { fallback: true },
  ),
  // 3. A stream: first token at 120 ms, 201 output tokens over 1120 ms → 5 ms per token after the first.
  ...request(
    'r3',
    'fast',
    [attempt('llama', 'groq', 1110, 'ok', { deployment: 'groq/llama3-8b', ...billed(30, 201, 0.00001) })],
    { stream: true, latency: STREAM_LATENCY },
    120,
  ),
  // 4. A failure: a timeout, then a second target turned away before any deployment (all circuits open).
  ...request(
    'r4',
    'chat',
    [
      attempt('gpt-4o', 'openai', 30_000, 'upstream_timeout', { upstreamStatus: undefined }),
      attempt('claude', 'anthropic', 0, 'circuit_open', { deployment: '', upstreamStatus: undefined }),
    ],
    { status: 504, outcome: 'upstream_timeout', errorMessage: 'timed out' },
  ),
  // 5. Rejected before routing: no route, no attempts.
  ...request('r5', null, [], { status: 400, outcome: 'invalid_request', errorMessage: 'bad' }),
];
