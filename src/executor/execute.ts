/**
 * Runs a plan: tries its targets in order until one answers. A target is abandoned for the next only
 * when the error's class says another target may succeed (the catalogue's `tryNextTarget`) and the plan
 * is a fallback chain. Streams fall back only before they commit: until the first content part arrives
 * nothing has reached the client, so a failure there is invisible; after it, failures travel in-band.
 * Before each attempt the request is fitted to the target (request-fit.ts): features it cannot carry
 * refuse the target (strict) or are dropped (lenient).
 */

import { linkedTimeout } from '../core/abort.ts';
import { AllAttemptsFailedError, GatewayError, toGatewayError, type AttemptFailure } from '../core/errors.ts';
import type { ResolvedModel } from '../core/model.ts';
import type { ChatRequest } from '../core/request.ts';
import type { ChatResponse, StreamBatch, StreamPart } from '../core/response.ts';
import type { ResolvedProvider } from '../config/resolved.ts';
import type { CallContext, ProviderAdapter } from '../providers/contract.ts';
import type { ExecutionPlan } from '../routing/plan.ts';
import type { AttemptRecord } from './attempt.ts';
import { CommittedStream } from './committed-stream.ts';
import { estimateUsage } from './estimate-usage.ts';
import { dropFeatures, findLosses, unsupportedError, type RequestFeature } from './request-fit.ts';
import { createCircuitBreakers, type CircuitBreakers } from './circuit-breaker.ts';
import { decideRetry, sleep } from './retry-policy.ts';

export interface ExecutionContext {
  readonly requestId: string;
  readonly signal: AbortSignal;
  /** Incoming request headers (lower-case names), for the providers' `forward_headers`. */
  readonly clientHeaders: Readonly<Record<string, string | string[] | undefined>>;
  /** The client protocol's name for a request feature, for errors that must name the field. */
  readonly fieldName: (feature: RequestFeature) => string;
}

interface Served {
  readonly served: ResolvedModel;
  readonly attempts: readonly AttemptRecord[];
  /** Features removed from the request to fit the serving target (lenient routes only). */
  readonly dropped: readonly RequestFeature[];
}

export interface GenerateOutcome extends Served {
  readonly response: ChatResponse;
}

export interface StreamOutcome extends Served {
  /** Parts of the committed attempt, in batches; ends with `finish` or `error`, `usage` always present. */
  readonly parts: AsyncIterable<StreamBatch>;
}

/** Breakers that never open, for executors built without a config (tests, tools). */
const NO_BREAKERS = createCircuitBreakers({ failureThreshold: 0, windowMs: 1, openMs: 1 });

const NOTHING_DROPPED: readonly RequestFeature[] = Object.freeze([]);

export interface Executor {
  generate(plan: ExecutionPlan, request: ChatRequest, context: ExecutionContext): Promise<GenerateOutcome>;
  stream(plan: ExecutionPlan, request: ChatRequest, context: ExecutionContext): Promise<StreamOutcome>;
}

interface Target {
  readonly model: ResolvedModel;
  readonly adapter: ProviderAdapter;
  readonly forwardHeaders: readonly string[];
}

/** Parts that put something in front of the client: the stream commits on the first of these. */
function commits(part: StreamPart): boolean {
  return part.type === 'text-delta' || part.type === 'tool-call-start' || part.type === 'finish';
}

export function createExecutor(
  adapters: ReadonlyMap<string, ProviderAdapter>,
  providers: ReadonlyMap<string, ResolvedProvider>,
  breakers: CircuitBreakers = NO_BREAKERS,
): Executor {
  const targets = new Map<string, Target>();
  const targetFor = (model: ResolvedModel): Target => {
    let target = targets.get(model.id);
    if (target === undefined) {
      const adapter = adapters.get(model.provider);
      if (adapter === undefined)
        throw new GatewayError('internal_error', `no adapter for provider '${model.provider}'`);
      target = { model, adapter, forwardHeaders: providers.get(model.provider)?.forwardHeaders ?? [] };
      targets.set(model.id, target);
    }
    return target;
  };

  const callContext = (
    target: Target,
    context: ExecutionContext,
    signal: AbortSignal = context.signal,
  ): CallContext => {
    if (target.forwardHeaders.length === 0) return { requestId: context.requestId, signal };
    const extraHeaders: Record<string, string> = {};
    for (const name of target.forwardHeaders) {
      const value = context.clientHeaders[name];
      if (typeof value === 'string') extraHeaders[name] = value;
    }
    return { requestId: context.requestId, signal, extraHeaders };
  };

  async function run<T>(
    plan: ExecutionPlan,
    request: ChatRequest,
    context: ExecutionContext,
    attemptOne: (target: Target, request: ChatRequest) => Promise<T>,
  ): Promise<Served & { value: T }> {
    const attempts: AttemptRecord[] = [];
    const failures: AttemptFailure[] = [];
    let lastError: GatewayError | undefined;
    let retriesUsed = 0;
    const lastIndex = plan.targets.length - 1;
    targets: for (const [index, model] of plan.targets.entries()) {
      const target = targetFor(model);
      for (let attemptsOnTarget = 1; ; attemptsOnTarget++) {
        if (context.signal.aborted) {
          throw toGatewayError(
            context.signal.reason ?? new GatewayError('client_closed_request', 'client closed the request'),
          );
        }
        const startedAtMs = performance.now();
        let dropped = NOTHING_DROPPED;
        const deployment = `${model.provider}/${model.upstreamModel}`;
        try {
          if (!breakers.allow(deployment)) {
            throw new GatewayError(
              'circuit_open',
              `The circuit of '${model.id}' is open after repeated failures.`,
              {
                provider: model.provider,
                model: model.id,
              },
            );
          }
          let fitted = request;
          const losses = findLosses(request, target.adapter.capabilities(model), target.adapter.parameters);
          if (losses.length > 0) {
            if (plan.onUnsupported === 'strict') throw unsupportedError(losses, model, context.fieldName);
            fitted = dropFeatures(request, losses);
            dropped = losses;
          }
          const value = await attemptOne(target, fitted);
          breakers.succeeded(deployment);
          attempts.push({
            target: model.id,
            provider: model.provider,
            startedAtMs,
            durationMs: performance.now() - startedAtMs,
            outcome: 'ok',
            upstreamStatus: undefined,
            message: undefined,
          });
          return { value, served: model, attempts, dropped };
        } catch (thrown) {
          const error = toGatewayError(thrown);
          const failure: AttemptFailure = {
            target: model.id,
            provider: model.provider,
            code: error.code,
            upstreamStatus: error.details.upstreamStatus,
            message: error.message,
            durationMs: performance.now() - startedAtMs,
          };
          failures.push(failure);
          attempts.push({
            target: failure.target,
            provider: failure.provider,
            startedAtMs,
            durationMs: failure.durationMs,
            outcome: failure.code,
            upstreamStatus: failure.upstreamStatus,
            message: failure.message,
          });
          lastError = error;
          if (error.code !== 'circuit_open') breakers.failed(deployment, error);
          if (context.signal.aborted) break targets;
          const verdict = decideRetry(
            error,
            {
              attemptsOnTarget,
              retriesUsed,
              hasNextTarget: plan.strategy === 'fallback' && index < lastIndex,
            },
            plan.retry,
          );
          if (verdict.kind === 'stop') break targets;
          if (verdict.kind === 'next-target') continue targets;
          retriesUsed += 1;
          await sleep(verdict.delayMs, context.signal).catch((reason: unknown) => {
            throw toGatewayError(reason);
          });
        }
      }
    }
    if (lastError === undefined)
      throw new GatewayError('internal_error', `route '${plan.route}' has no targets`);
    throw failures.length === 1 ? lastError : new AllAttemptsFailedError(lastError, failures);
  }

  return {
    async generate(plan, request, context) {
      const { value, ...served } = await run(plan, request, context, async (target, fitted) => {
        const response = await target.adapter.generate(fitted, target.model, callContext(target, context));
        if (response.usage !== undefined) return response;
        return { ...response, usage: estimateUsage(fitted, target.model, response.text) };
      });
      return { response: value, ...served };
    },

    async stream(plan, request, context) {
      const { value, ...served } = await run(plan, request, context, async (target, fitted) => {
        // "First token within N ms or fall back": the limit guards the attempt until it commits; after
        // that only the request's own signal (client gone, deadline) bounds the stream.
        const limit =
          plan.firstTokenMs === undefined
            ? undefined
            : linkedTimeout(context.signal, plan.firstTokenMs, () =>
                firstTokenLate(target.model, plan.firstTokenMs ?? 0),
              );
        try {
          return await commitStream(target, fitted, callContext(target, context, limit?.signal));
        } finally {
          limit?.clear();
        }
      });
      return { parts: value, ...served };
    },
  };

  /** Reads an attempt's stream until its first content: the commit point (see the top of this file). */
  async function commitStream(
    target: Target,
    fitted: ChatRequest,
    call: CallContext,
  ): Promise<CommittedStream> {
    const iterator = (await target.adapter.stream(fitted, target.model, call))[Symbol.asyncIterator]();
    const head: StreamPart[] = [];
    let committed = false;
    while (!committed) {
      const next = await iterator.next();
      if (next.done === true)
        throw new GatewayError('stream_truncated', 'the upstream stream ended before any output', {
          provider: target.model.provider,
          model: target.model.id,
        });
      for (const part of next.value) {
        if (part.type === 'error' && !committed) {
          await iterator.return?.();
          throw part.error;
        }
        head.push(part);
        committed ||= commits(part);
      }
    }
    return new CommittedStream(head, iterator, (output) => estimateUsage(fitted, target.model, output));
  }
}

function firstTokenLate(model: ResolvedModel, limitMs: number): GatewayError {
  return new GatewayError('upstream_timeout', `No first token from '${model.id}' within ${limitMs} ms.`, {
    provider: model.provider,
    model: model.id,
  });
}
