/**
 * Follows one request from receipt to its last byte and reports it: telemetry events as stages happen
 * (start, decision, attempts, first token, end), the live entry behind `GET /v1/requests/{id}`, and at
 * the end the request-log row with the whole "why", every attempt, tokens, cost and where the time went.
 */

import type { ErrorCode } from '../core/errors.ts';
import type { ResolvedModel } from '../core/model.ts';
import type { ChatRequest, ClientApi } from '../core/request.ts';
import type { Usage } from '../core/response.ts';
import { AttemptLog, type AttemptRecord } from '../executor/attempt.ts';
import type { SignalValues } from '../features/signal-types.ts';
import type { ExecutionPlan } from '../routing/plan.ts';
import type { TelemetrySink } from '../telemetry/events.ts';
import type { InFlightRequest, RecentRequests } from '../telemetry/recent-requests.ts';
import { redactValue } from '../telemetry/request-log/redact.ts';
import type { LatencyBreakdown, RequestLogRow } from '../telemetry/request-log/row.ts';

export interface TrackerServices {
  readonly telemetry: TelemetrySink;
  readonly recent: RecentRequests;
  readonly configVersion: string;
  /** Redacts stored bodies (request_log.redact and the built-in secrets). */
  readonly redact: (text: string) => string;
}

export interface RequestResult {
  /** The HTTP status sent. */
  readonly status: number;
  readonly outcome: 'ok' | ErrorCode;
  readonly errorMessage?: string;
  readonly served?: ResolvedModel;
  readonly usage?: Usage;
  /** The answer's text, kept only for routes that log bodies. */
  readonly completion?: string;
}

export class RequestTracker {
  readonly attempts: AttemptLog;
  readonly #services: TrackerServices;
  readonly #id: string;
  readonly #protocol: ClientApi;
  readonly #receivedAt = Date.now();
  readonly #startedAt = performance.now();
  readonly #live: InFlightRequest;
  #chat: ChatRequest | undefined;
  #plan: ExecutionPlan | undefined;
  #tenant: string | null = null;
  #decisionMs = 0;
  #ttftMs: number | null = null;
  #finished = false;

  /** `tenant`: as the client's headers name it, so a request refused before routing still has one. */
  constructor(services: TrackerServices, id: string, protocol: ClientApi, tenant?: string) {
    this.#services = services;
    this.#id = id;
    this.#protocol = protocol;
    this.#tenant = tenant ?? null;
    this.#live = services.recent.open(id, this.#receivedAt);
    const { telemetry } = services;
    this.attempts = new AttemptLog({
      started: (attempt) => {
        telemetry.emit({ type: 'attempt-start', requestId: id, route: this.#route(), attempt });
      },
      ended: (attempt) => {
        telemetry.emit({ type: 'attempt-end', requestId: id, route: this.#route(), attempt });
      },
    });
    this.#live.attempts = this.attempts.records;
  }

  /** The request was decoded; emitted once its stream mode is known. */
  started(chat: ChatRequest): void {
    this.#chat = chat;
    this.#services.telemetry.emit({
      type: 'request-start',
      requestId: this.#id,
      protocol: this.#protocol,
      stream: chat.stream,
    });
  }

  decided(plan: ExecutionPlan, signals: SignalValues, decisionMs: number): void {
    this.#plan = plan;
    this.#decisionMs = decisionMs;
    const tenant = signals.get('tenant');
    this.#tenant = typeof tenant === 'string' && tenant !== '' ? tenant : null;
    this.#live.decision = plan.decision;
    this.#services.telemetry.emit({
      type: 'decision',
      requestId: this.#id,
      decision: plan.decision,
      decisionMs,
    });
  }

  /** The first output went to the client (or the whole answer, non-streamed). */
  firstOutput(served: ResolvedModel): void {
    if (this.#ttftMs !== null) return;
    this.#ttftMs = performance.now() - this.#startedAt;
    if (this.#chat?.stream !== true) return;
    this.#services.telemetry.emit({
      type: 'first-token',
      requestId: this.#id,
      route: this.#route(),
      model: served.id,
      provider: served.provider,
      ttftMs: this.#ttftMs,
    });
  }

  /** What the gateway added so far: the time not spent inside attempts (queues and retry waits aside). */
  overheadMs(): number {
    return overhead(this.attempts.records, this.#startedAt, performance.now());
  }

  finish(result: RequestResult): void {
    if (this.#finished) return;
    this.#finished = true;
    const now = performance.now();
    const records = this.attempts.records;
    const plan = this.#plan;
    const chat = this.#chat;
    const served = result.served;
    const logBodies = plan?.logBodies === true && chat !== undefined;
    // A stream that failed after commit reported no usage; its attempt holds the estimate it was billed.
    const usage =
      result.usage ?? records.findLast((attempt) => attempt.target === served?.id && attempt.usage)?.usage;
    const row: RequestLogRow = {
      id: this.#id,
      receivedAt: this.#receivedAt,
      configVersion: this.#services.configVersion,
      protocol: this.#protocol,
      stream: chat?.stream ?? false,
      requestedModel: chat?.model ?? '',
      route: plan?.route ?? null,
      servedModel: served?.id ?? null,
      provider: served?.provider ?? null,
      status: result.status,
      outcome: result.outcome,
      errorMessage: result.errorMessage ?? null,
      tenant: this.#tenant,
      tags: chat?.metadata ?? {},
      fallback: served !== undefined && plan !== undefined && plan.targets[0]?.id !== served.id,
      retries: Math.max(0, records.length - 1),
      inputTokens: usage?.inputTokens ?? null,
      outputTokens: usage?.outputTokens ?? null,
      cachedInputTokens: usage?.cachedInputTokens ?? null,
      costUsd: records.reduce((sum, attempt) => sum + (attempt.costUsd ?? 0), 0),
      latency: this.#latency(records, now),
      decision: plan?.decision ?? null,
      attempts: records.slice(),
      prompt: logBodies ? redactValue(chat.messages, this.#services.redact) : null,
      completion:
        logBodies && result.completion !== undefined ? this.#services.redact(result.completion) : null,
    };
    this.#services.recent.complete(this.#live, row);
    this.#services.telemetry.emit({ type: 'request-end', row });
  }

  #route(): string {
    return this.#plan?.route ?? 'none';
  }

  #latency(records: readonly AttemptRecord[], now: number): LatencyBreakdown {
    let queueMs = 0;
    let upstreamMs = 0;
    for (const attempt of records) {
      queueMs += attempt.queueMs;
      upstreamMs += Math.max(0, attempt.durationMs - attempt.queueMs);
    }
    return {
      decisionMs: this.#decisionMs,
      queueMs,
      ttftMs: this.#ttftMs,
      totalMs: now - this.#startedAt,
      upstreamMs,
      overheadMs: overhead(records, this.#startedAt, now),
    };
  }
}

/**
 * Total time minus the span covered by attempts (from the first one's start to the last one's end,
 * an attempt still running counting as ending now): what the gateway added before, between — beyond
 * retry waits and gate queues, which sit inside the span — and after its upstream calls.
 */
function overhead(records: readonly AttemptRecord[], startedAt: number, now: number): number {
  if (records.length === 0) return now - startedAt;
  let first = Infinity;
  let last = -Infinity;
  for (const attempt of records) {
    first = Math.min(first, attempt.startedAtMs);
    const end = attempt.outcome === 'pending' ? now : attempt.startedAtMs + attempt.durationMs;
    last = Math.max(last, end);
  }
  return Math.max(0, now - startedAt - (Math.min(last, now) - first));
}
