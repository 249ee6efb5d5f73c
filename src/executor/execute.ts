/**
 * Runs a plan (attempts.ts carries out its targets, retries, deployments and hedging) and turns the
 * winning attempt into the outcome the server sends: a response, or a committed stream. Streams fall
 * back only before they commit (stream-commit.ts): until then nothing has reached the client, so a
 * failure is invisible; after it, a failure travels in-band, or resumes on a model that takes prefill.
 * Every attempt is recorded with its outcome, usage and cost, including those that failed.
 */

import { linkedTimeout } from '../core/abort.ts';
import { GatewayError } from '../core/errors.ts';
import type { ResolvedModel } from '../core/model.ts';
import type { ChatRequest } from '../core/request.ts';
import type { ChatResponse, StreamBatch, Usage } from '../core/response.ts';
import type { ModelDeployments, ResolvedProvider } from '../config/resolved.ts';
import type { CallContext, ProviderAdapter } from '../providers/contract.ts';
import type { ExecutionPlan } from '../routing/plan.ts';
import { AttemptLog, type AttemptRecord } from './attempt.ts';
import { runTargets, type Attempt, type RunSettings } from './attempts.ts';
import { createCircuitBreakers, type CircuitBreakers } from './circuit-breaker.ts';
import { CommittedStream } from './committed-stream.ts';
import { costUsd } from './cost.ts';
import { createDeploymentPool, type DeploymentLease, type GateLoad } from './deployment-pool.ts';
import { estimateUsage } from './estimate-usage.ts';
import type { PriorityClass } from './gate.ts';
import type { RequestFeature } from './request-fit.ts';
import { ResumedStream, type Resume } from './resumed-stream.ts';
import { readUntilCommit, type CommitProgress } from './stream-commit.ts';
import type { VerificationSummary } from './verification/verdict.ts';

export interface ExecutionContext {
  readonly requestId: string;
  readonly signal: AbortSignal;
  /** Incoming request headers (lower-case names), for the providers' `forward_headers`. */
  readonly clientHeaders: Readonly<Record<string, string | string[] | undefined>>;
  /** The client protocol's name for a request feature, for errors that must name the field. */
  readonly fieldName: (feature: RequestFeature) => string;
  /** Place in the queue of a throttled gate (default normal). */
  readonly priority?: PriorityClass;
  /** Where the attempts are recorded; the caller's own log keeps them even when the request fails. */
  readonly attempts?: AttemptLog;
}

interface Served {
  /** The model that answered, as served by the deployment that answered (its provider). */
  readonly served: ResolvedModel;
  /** Every attempt, failed ones included; a stream's records are completed when it ends. */
  readonly attempts: readonly AttemptRecord[];
  /** Features removed from the request to fit the serving target (lenient routes only). */
  readonly dropped: readonly RequestFeature[];
  /** Cascade steps and the verification pass, on routes that verify. */
  readonly verification?: VerificationSummary;
}

export interface GenerateOutcome extends Served {
  readonly response: ChatResponse;
}

export interface StreamOutcome extends Served {
  /** Parts of the committed attempt, in batches; ends with `finish` or `error`, `usage` always present. */
  readonly parts: AsyncIterable<StreamBatch>;
}

export interface Executor {
  generate(plan: ExecutionPlan, request: ChatRequest, context: ExecutionContext): Promise<GenerateOutcome>;
  stream(plan: ExecutionPlan, request: ChatRequest, context: ExecutionContext): Promise<StreamOutcome>;
  /** Load of every throttled gate in use (metrics). */
  gates(): readonly GateLoad[];
}

export interface ExecutorOptions {
  readonly breakers?: CircuitBreakers;
  /** Model id → its deployments; a model not listed is its own single deployment. */
  readonly deployments?: ReadonlyMap<string, ModelDeployments>;
  /** Clock of the capacity windows (ms). */
  readonly now?: () => number;
}

/** Breakers that never open, for executors built without a config (tests, tools). */
const NO_BREAKERS = createCircuitBreakers({ failureThreshold: 0, windowMs: 1, openMs: 1 });

export function createExecutor(
  adapters: ReadonlyMap<string, ProviderAdapter>,
  providers: ReadonlyMap<string, ResolvedProvider>,
  options: ExecutorOptions = {},
): Executor {
  const pool = createDeploymentPool({
    adapters,
    providers,
    deployments: options.deployments ?? new Map(),
    breakers: options.breakers ?? NO_BREAKERS,
    now: options.now,
  });

  const settingsFor = <T>(
    plan: ExecutionPlan,
    request: ChatRequest,
    context: ExecutionContext,
    log: AttemptLog,
    attempt: (attempt: Attempt) => Promise<T>,
    dispose: (value: T) => void,
  ): RunSettings<T> => ({
    plan,
    targets: plan.targets,
    request,
    signal: context.signal,
    priority: context.priority ?? 'normal',
    fieldName: context.fieldName,
    pool,
    log,
    hedgeDelayMs: hedgeDelay(plan, request.stream),
    attempt,
    dispose,
  });

  const hedgeDelay = (plan: ExecutionPlan, streamed: boolean): number | undefined => {
    const hedge = plan.hedge;
    if (hedge === undefined) return undefined;
    const first = plan.targets[0];
    const observed =
      streamed && hedge.quantile !== undefined && first !== undefined
        ? pool.firstTokenQuantile(first.id, hedge.quantile)
        : undefined;
    return observed ?? hedge.afterMs;
  };

  /** One streamed attempt, read up to its commit point. */
  const streamAttempt = async (
    plan: ExecutionPlan,
    attempt: Attempt,
    context: ExecutionContext,
    log: AttemptLog,
  ): Promise<CommittedStream> => {
    const { lease, request } = attempt;
    const served = lease.deployment.model;
    // "First token within N ms or fall back": the limit guards the attempt until its first content.
    const limit =
      plan.firstTokenMs === undefined
        ? undefined
        : linkedTimeout(attempt.signal, plan.firstTokenMs, () =>
            firstTokenLate(served, plan.firstTokenMs ?? 0),
          );
    const startedAt = performance.now();
    let firstTokenMs: number | undefined;
    const progress: CommitProgress = { output: '' };
    try {
      const call = callContext(lease, context, limit?.signal ?? attempt.signal);
      const upstream = (await lease.adapter.stream(request, served, call))[Symbol.asyncIterator]();
      const onFirstContent = (): void => {
        limit?.clear();
        firstTokenMs = performance.now() - startedAt;
        attempt.firstContent();
      };
      const head = await readUntilCommit(upstream, plan.commit, served, onFirstContent, progress);
      log.update(attempt.record, { firstTokenMs });
      const latencyMs = firstTokenMs ?? performance.now() - startedAt;
      return new CommittedStream(head, upstream, {
        estimateUsage: (output) => estimateUsage(request, served, output),
        onEnd: (end) => {
          const spent = { usage: end.usage, costUsd: costUsd(end.usage, served.pricing) };
          switch (end.kind) {
            case 'ok':
              lease.end({ kind: 'ok', latencyMs, streamed: true, tokens: totalTokens(end.usage) });
              log.update(attempt.record, { outcome: 'ok', ...spent });
              break;
            case 'failed':
              lease.end({ kind: 'failed', error: end.error });
              log.update(attempt.record, {
                outcome: end.error.code,
                upstreamStatus: end.error.details.upstreamStatus,
                message: end.error.message,
                ...spent,
              });
              break;
            case 'left':
              lease.end({ kind: 'cancelled' });
              log.update(attempt.record, { outcome: 'client_closed_request', ...spent });
              break;
          }
        },
      });
    } catch (error) {
      // A stream that failed after some output was billed for it.
      if (progress.output !== '') {
        const usage = estimateUsage(request, served, progress.output);
        log.update(attempt.record, { firstTokenMs, usage, costUsd: costUsd(usage, served.pricing) });
      }
      throw error;
    } finally {
      limit?.clear();
    }
  };

  /**
   * `resume: prefill`: continues a cut answer on the rest of the chain after the target that served it,
   * on targets that take assistant prefill. Each cut moves further down the chain.
   */
  const resumeAfter = (
    plan: ExecutionPlan,
    servedIndex: number,
    context: ExecutionContext,
    log: AttemptLog,
  ): Resume => {
    let nextIndex = servedIndex + 1;
    return async (text) => {
      const rest = plan.targets.slice(nextIndex);
      const targets = rest.filter((model) => model.capabilities.assistantPrefill);
      if (targets.length === 0 || context.signal.aborted) return undefined;
      const request: ChatRequest = {
        ...plan.request,
        messages: [...plan.request.messages, { role: 'assistant', content: [{ type: 'text', text }] }],
      };
      const resumePlan: ExecutionPlan = { ...plan, targets, commit: { ...plan.commit, mode: 'first-token' } };
      const attempt = (attempt: Attempt): Promise<CommittedStream> => {
        const served = attempt.lease.deployment.model;
        if (!attempt.lease.adapter.capabilities(served).assistantPrefill) {
          const message = `'${served.id}' cannot continue an answer (no assistant prefill).`;
          throw new GatewayError('unsupported_parameter', message, {
            provider: served.provider,
            model: served.id,
          });
        }
        return streamAttempt(resumePlan, attempt, context, log);
      };
      try {
        const settings = settingsFor(resumePlan, request, context, log, attempt, disposeStream);
        const win = await runTargets({ ...settings, hedgeDelayMs: undefined });
        const servedModel = targets[win.targetIndex];
        nextIndex += rest.indexOf(servedModel as ResolvedModel) + 1;
        return win.value;
      } catch {
        return undefined; // every continuation failed: the original error goes to the client
      }
    };
  };

  return {
    gates: () => pool.gates(),
    async generate(plan, request, context) {
      const log = context.attempts ?? new AttemptLog();
      const win = await runTargets(
        settingsFor(
          plan,
          request,
          context,
          log,
          async ({ lease, request: fitted, signal, record }) => {
            const served = lease.deployment.model;
            const startedAt = performance.now();
            const response = await lease.adapter.generate(
              fitted,
              served,
              callContext(lease, context, signal),
            );
            const usage = response.usage ?? estimateUsage(fitted, served, response.text);
            const latencyMs = performance.now() - startedAt;
            lease.end({ kind: 'ok', latencyMs, streamed: false, tokens: totalTokens(usage) });
            log.update(record, {
              outcome: 'ok',
              firstTokenMs: latencyMs,
              usage,
              costUsd: costUsd(usage, served.pricing),
            });
            return response.usage === undefined ? { ...response, usage } : response;
          },
          () => undefined,
        ),
      );
      return { response: win.value, served: win.served, attempts: log.records, dropped: win.dropped };
    },

    async stream(plan, request, context) {
      const log = context.attempts ?? new AttemptLog();
      const win = await runTargets(
        settingsFor(
          plan,
          request,
          context,
          log,
          (attempt) => streamAttempt(plan, attempt, context, log),
          disposeStream,
        ),
      );
      const parts =
        plan.commit.resume === 'prefill'
          ? new ResumedStream(win.value, resumeAfter(plan, win.targetIndex, context, log))
          : win.value;
      return { parts, served: win.served, attempts: log.records, dropped: win.dropped };
    },
  };
}

function disposeStream(stream: CommittedStream): void {
  void stream.return();
}

function callContext(lease: DeploymentLease, context: ExecutionContext, signal: AbortSignal): CallContext {
  if (lease.forwardHeaders.length === 0) return { requestId: context.requestId, signal };
  const extraHeaders: Record<string, string> = {};
  for (const name of lease.forwardHeaders) {
    const value = context.clientHeaders[name];
    if (typeof value === 'string') extraHeaders[name] = value;
  }
  return { requestId: context.requestId, signal, extraHeaders };
}

function totalTokens(usage: Usage): number {
  return usage.inputTokens + usage.outputTokens;
}

function firstTokenLate(model: ResolvedModel, limitMs: number): GatewayError {
  return new GatewayError('upstream_timeout', `No first token from '${model.id}' within ${limitMs} ms.`, {
    provider: model.provider,
    model: model.id,
  });
}
