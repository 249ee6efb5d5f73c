/**
 * Carries out a plan's targets: the fallback chain, same-target retries, deployments of one model, and
 * hedging. Each target runs in a *lane*: its attempts one after another — another deployment of the
 * model at once after a deployment's own failure, the same one again after the retry policy's wait —
 * until one succeeds or the policy says to move on or stop.
 *
 * Lanes start one at a time: the next when the previous gave up on its target. With `hedge`, the second
 * lane also starts while the first is still silent after the hedge delay; then the first lane to
 * succeed wins and the other is cancelled (its attempt recorded as `cancelled`, its result disposed if
 * it succeeded a moment too late). At most two lanes run at once.
 */

import { AllAttemptsFailedError, GatewayError, toGatewayError, type AttemptFailure } from '../core/errors.ts';
import type { ResolvedModel } from '../core/model.ts';
import type { ChatRequest } from '../core/request.ts';
import type { ExecutionPlan } from '../routing/plan.ts';
import type { AttemptLog } from './attempt.ts';
import type { DeploymentLease, DeploymentPool } from './deployment-pool.ts';
import type { PriorityClass } from './gate.ts';
import { dropFeatures, findLosses, unsupportedError, type RequestFeature } from './request-fit.ts';
import { decideRetry, sleep } from './retry-policy.ts';

/** One attempt's inputs: the deployment it holds, the request fitted to it, and its lane's signal. */
export interface Attempt {
  readonly lease: DeploymentLease;
  readonly request: ChatRequest;
  readonly signal: AbortSignal;
  /** Its record in the request's attempt log. */
  readonly record: number;
  /** Reports the first output: a hedge is no longer needed. */
  readonly firstContent: () => void;
}

export interface LaneWin<T> {
  readonly value: T;
  readonly served: ResolvedModel;
  /** Index of the winning target in the targets run. */
  readonly targetIndex: number;
  readonly dropped: readonly RequestFeature[];
}

export interface RunSettings<T> {
  readonly plan: ExecutionPlan;
  /** The targets to run (the plan's, or the rest of them when a cut stream resumes). */
  readonly targets: readonly ResolvedModel[];
  readonly request: ChatRequest;
  readonly signal: AbortSignal;
  readonly priority: PriorityClass;
  readonly fieldName: (feature: RequestFeature) => string;
  readonly pool: DeploymentPool;
  readonly log: AttemptLog;
  readonly hedgeDelayMs: number | undefined;
  readonly attempt: (attempt: Attempt) => Promise<T>;
  /** Releases a result that arrived after another lane had already won. */
  readonly dispose: (value: T) => void;
}

/** A lane's end: its last error and what the retry policy said about the request as a whole. */
class LaneEnd extends Error {
  readonly error: GatewayError;
  readonly verdict: 'next-target' | 'stop';
  constructor(error: GatewayError, verdict: 'next-target' | 'stop') {
    super(error.message);
    this.error = error;
    this.verdict = verdict;
  }
}

/** Why the gateway stopped a lane itself: another lane answered first. */
const LOST_THE_RACE = new GatewayError('client_closed_request', 'another attempt answered first');

const NOTHING_DROPPED: readonly RequestFeature[] = Object.freeze([]);

/** Failures of one deployment that another deployment of the same model may not share. */
const DEPLOYMENT_FAULTS = new Set<string>([
  'upstream_rate_limited',
  'upstream_overloaded',
  'upstream_server_error',
  'upstream_unavailable',
  'upstream_timeout',
  'upstream_connection_failed',
  'upstream_bad_response',
  'upstream_auth_failed',
  'upstream_not_found',
  'stream_truncated',
  'circuit_open',
  'capacity_exhausted',
]);

export function runTargets<T>(settings: RunSettings<T>): Promise<LaneWin<T>> {
  const { plan, targets, signal, pool, log } = settings;
  const failures: AttemptFailure[] = [];
  let retriesUsed = 0;
  const lastIndex = targets.length - 1;
  const hedging = settings.hedgeDelayMs !== undefined && plan.strategy === 'fallback' && targets.length > 1;
  let firstContentSeen = false;
  let hedgeTimer: ReturnType<typeof setTimeout> | undefined;
  const firstContent = (): void => {
    firstContentSeen = true;
    if (hedgeTimer !== undefined) clearTimeout(hedgeTimer);
  };

  const estimateTokens = (): number => roughTokens(settings.request);
  /** Each running lane's current attempt record, so a lost race is on record the moment it is lost. */
  const laneRecords: number[] = [];

  async function lane(targetIndex: number, laneSignal: AbortSignal): Promise<LaneWin<T>> {
    const model = targets[targetIndex] as ResolvedModel;
    const tried = new Set<string>();
    for (let attemptsOnTarget = 1; ;) {
      if (laneSignal.aborted) throw toGatewayError(laneSignal.reason);
      const startedAtMs = performance.now();
      const approachedBefore = tried.size;
      let lease: DeploymentLease | undefined;
      let record = -1;
      try {
        lease = await pool.acquire(model, {
          tried,
          estimateTokens,
          priority: settings.priority,
          signal: laneSignal,
        });
        const served = lease.deployment.model;
        record = log.begin({
          target: model.id,
          provider: served.provider,
          deployment: lease.deployment.id,
          startedAtMs,
        });
        laneRecords[targetIndex] = record;
        let fitted = settings.request;
        let dropped = NOTHING_DROPPED;
        const losses = findLosses(fitted, lease.adapter.capabilities(served), lease.adapter.parameters);
        if (losses.length > 0) {
          if (plan.onUnsupported === 'strict') throw unsupportedError(losses, served, settings.fieldName);
          fitted = dropFeatures(fitted, losses);
          dropped = losses;
          log.update(record, { dropped });
        }
        const value = await settings.attempt({
          lease,
          request: fitted,
          signal: laneSignal,
          record,
          firstContent,
        });
        return { value, served, targetIndex, dropped };
      } catch (thrown) {
        const error = toGatewayError(thrown);
        const cancelled = laneSignal.aborted && laneSignal.reason === LOST_THE_RACE;
        if (record < 0) {
          // Turned away before the call: by a deployment's gate (the one it approached last), or because
          // no deployment could take it (open circuits, spent rpm/tpm).
          const approached = tried.size > approachedBefore ? [...tried].at(-1) : undefined;
          record = log.begin({
            target: model.id,
            provider: approached?.slice(0, approached.indexOf('/')) ?? model.provider,
            deployment: approached ?? '',
            startedAtMs,
          });
        }
        log.update(record, {
          outcome: cancelled ? 'cancelled' : error.code,
          upstreamStatus: error.details.upstreamStatus,
          message: cancelled ? LOST_THE_RACE.message : error.message,
        });
        lease?.end(cancelled ? { kind: 'cancelled' } : { kind: 'failed', error });
        if (cancelled) throw error;
        failures.push({
          target: model.id,
          provider: lease?.deployment.model.provider ?? model.provider,
          code: error.code,
          upstreamStatus: error.details.upstreamStatus,
          message: error.message,
          durationMs: performance.now() - startedAtMs,
        });
        if (laneSignal.aborted) throw new LaneEnd(error, 'stop');
        // Another deployment of the same model is tried at once: its failure was its own. (When no
        // deployment could even be approached, none will be on an immediate second look.)
        const approachedOne = tried.size > approachedBefore;
        if (approachedOne && DEPLOYMENT_FAULTS.has(error.code) && pool.hasUntried(model, tried)) continue;
        const verdict = decideRetry(
          error,
          { attemptsOnTarget, retriesUsed, hasNextTarget: targetIndex < lastIndex },
          plan.retry,
        );
        if (verdict.kind !== 'retry-same') throw new LaneEnd(error, verdict.kind);
        retriesUsed += 1;
        attemptsOnTarget += 1;
        tried.clear();
        await sleep(verdict.delayMs, laneSignal).catch((reason: unknown) => {
          throw new LaneEnd(toGatewayError(reason), 'stop');
        });
      }
    }
  }

  return new Promise<LaneWin<T>>((resolve, reject) => {
    if (targets.length === 0) {
      reject(new GatewayError('internal_error', `route '${plan.route}' has no targets`));
      return;
    }
    const controllers: (AbortController | undefined)[] = [];
    let running = 0;
    let next = 0;
    let settled = false;
    let lastError: GatewayError | undefined;

    const settle = (winner: number | undefined): void => {
      settled = true;
      if (hedgeTimer !== undefined) clearTimeout(hedgeTimer);
      for (const [index, controller] of controllers.entries()) {
        if (index === winner || controller === undefined || controller.signal.aborted) continue;
        controller.abort(LOST_THE_RACE);
        const record = laneRecords[index];
        if (winner !== undefined && record !== undefined && log.records[record]?.outcome === 'pending') {
          log.update(record, { outcome: 'cancelled', message: LOST_THE_RACE.message });
        }
      }
    };
    const fail = (): void => {
      settle(undefined);
      const error = lastError ?? new GatewayError('internal_error', 'no attempt was made');
      reject(failures.length <= 1 ? error : new AllAttemptsFailedError(error, failures));
    };

    const startLane = (): void => {
      const targetIndex = next++;
      running += 1;
      // Only hedged lanes need their own signal: it is how the loser is cancelled.
      const controller = hedging ? childController(signal) : undefined;
      controllers[targetIndex] = controller;
      lane(targetIndex, controller?.signal ?? signal).then(
        (won) => {
          running -= 1;
          if (settled) {
            settings.dispose(won.value);
            return;
          }
          settle(targetIndex);
          resolve(won);
        },
        (thrown: unknown) => {
          running -= 1;
          if (settled) return;
          const end = thrown instanceof LaneEnd ? thrown : undefined;
          lastError = end?.error ?? toGatewayError(thrown);
          if (end?.verdict !== 'next-target' || signal.aborted) fail();
          else if (running > 0)
            return; // the other lane decides
          else if (next <= lastIndex) startLane();
          else fail();
        },
      );
    };

    startLane();
    if (hedging) {
      hedgeTimer = setTimeout(() => {
        if (!settled && !firstContentSeen && running === 1 && next <= lastIndex) startLane();
      }, settings.hedgeDelayMs);
    }
  });
}

function childController(parent: AbortSignal): AbortController {
  const controller = new AbortController();
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', () => controller.abort(parent.reason), { once: true });
  return controller;
}

/** A size estimate for tpm capacity: four characters a token, plus the output the request allows. */
function roughTokens(request: ChatRequest): number {
  let chars = 0;
  for (const message of request.messages) {
    for (const part of message.content) if (part.type === 'text') chars += part.text.length;
  }
  return Math.ceil(chars / 4) + (request.maxOutputTokens ?? 0);
}
