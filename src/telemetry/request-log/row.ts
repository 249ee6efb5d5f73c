/**
 * One row of the request log per request: the whole "why" (the routing decision), every attempt, tokens,
 * cost, the latency breakdown, the outcome, who asked, and the config that decided. Stores keep it
 * behind one interface (store.ts); the row is plain data so any store can write it as columns + JSON.
 */

import type { ErrorCode } from '../../core/errors.ts';
import type { ClientApi } from '../../core/request.ts';
import type { AttemptRecord } from '../../executor/attempt.ts';
import type { RoutingDecision } from '../../routing/decision.ts';

/** Where the time of one request went, in milliseconds. */
export interface LatencyBreakdown {
  /** Signals, rules, filters and fitting: from the decoded request to the plan. */
  readonly decisionMs: number;
  /** Waiting at throttled gates, summed over attempts. */
  readonly queueMs: number;
  /** From receipt to the first output sent (streams) or the answer (non-streamed); null if none. */
  readonly ttftMs: number | null;
  readonly totalMs: number;
  /** Time inside upstream calls, summed over attempts. */
  readonly upstreamMs: number;
  /** What the gateway itself added: total − upstream − queue − retry waits. */
  readonly overheadMs: number;
}

export interface RequestLogRow {
  readonly id: string;
  /** Epoch milliseconds when the request arrived. */
  readonly receivedAt: number;
  /** Short hash of the config that decided (ResolvedConfig.version). */
  readonly configVersion: string;
  readonly protocol: ClientApi;
  readonly stream: boolean;
  /** What the client asked for: `auto`, a route or a model. */
  readonly requestedModel: string;
  /** Null when the request failed before routing (bad input). */
  readonly route: string | null;
  /** The model and provider that answered; null when none did. */
  readonly servedModel: string | null;
  readonly provider: string | null;
  /** The HTTP status sent (200 for a stream that started, even if it later failed in-band). */
  readonly status: number;
  /** `ok`, or the error the client received (in-band for a failed stream). */
  readonly outcome: 'ok' | ErrorCode;
  readonly errorMessage: string | null;
  readonly tenant: string | null;
  /** Request metadata (`metadata` / `x-switchyard-meta-*`) as given: the tags requests are grouped by. */
  readonly tags: Readonly<Record<string, string>>;
  /** Served by a target other than the plan's first. */
  readonly fallback: boolean;
  /** Attempts beyond the first. */
  readonly retries: number;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly cachedInputTokens: number | null;
  /** Sum over every attempt, failed ones included (each priced at its own model). */
  readonly costUsd: number;
  readonly latency: LatencyBreakdown;
  /** Null when the request failed before routing. */
  readonly decision: RoutingDecision | null;
  readonly attempts: readonly AttemptRecord[];
  /** Prompt messages and completion text: only on routes that opt in, after redaction. */
  readonly prompt: unknown;
  readonly completion: string | null;
}

/** The columns the stats read: one per request in a time window. */
export interface StatsRow {
  readonly receivedAt: number;
  readonly route: string | null;
  readonly servedModel: string | null;
  readonly provider: string | null;
  readonly tenant: string | null;
  readonly outcome: string;
  readonly fallback: boolean;
  readonly totalMs: number;
  readonly ttftMs: number | null;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly costUsd: number;
}
