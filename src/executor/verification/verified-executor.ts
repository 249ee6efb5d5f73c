/**
 * Cascades and verification passes, around the executor. A `cascade` route tries its targets cheapest
 * first: each answer but the last goes through the verifiers (rules → confidence → webhook → model, the
 * free ones first, stopping at the first rejection) and is accepted, or the next target answers. A route
 * with `verify` releases its answer only once a stronger model approves it. Every call — answers and
 * graders — is an attempt in the request's log, under the request's one deadline; verdicts are kept on
 * the attempts they judged. Streams are held until verified and then sent as one committed stream; a
 * cascade's last target, which nothing verifies, streams live.
 */

import { GatewayError, toGatewayError } from '../../core/errors.ts';
import type { ResolvedModel } from '../../core/model.ts';
import type { ChatRequest } from '../../core/request.ts';
import type { ChatResponse } from '../../core/response.ts';
import type { CascadeSettings, VerifySettings } from '../../config/resolved.ts';
import type { HttpTransport } from '../../providers/transport/http-transport.ts';
import type { ExecutionPlan, VerificationPlan } from '../../routing/plan.ts';
import { AttemptLog } from '../attempt.ts';
import type { ExecutionContext, Executor, GenerateOutcome, StreamOutcome } from '../execute.ts';
import { checkAnswerRules } from './answer-rules.ts';
import { checkConfidence } from './confidence.ts';
import { gradeWithModel, type GraderCall } from './model-verifier.ts';
import { responseAsStream } from './response-stream.ts';
import { describeVerdict, type CheckResult, type Verdict, type VerificationSummary } from './verdict.ts';
import { verifyWithWebhook } from './webhook-verifier.ts';

interface Step {
  readonly outcome: GenerateOutcome;
  readonly summary: VerificationSummary;
}

interface CascadeRun {
  /** An accepted answer, or the rejected one sent when the cascade was exhausted. */
  readonly accepted: Step | undefined;
  readonly steps: string[];
  /** The target that answers when nothing was accepted. */
  readonly last: ResolvedModel;
  readonly rejected: GenerateOutcome | undefined;
  readonly onExhausted: CascadeSettings['onExhausted'];
}

/** The cascade ran out of deadline or budget: the error, or the last rejected answer, marked unverified. */
function exhausted(run: CascadeRun, error: GatewayError): Step {
  if (run.onExhausted === 'last_answer' && run.rejected !== undefined)
    return { outcome: run.rejected, summary: { steps: run.steps, result: 'unverified' } };
  throw error;
}

/** The unverified last target; the deadline running out during it exhausts the cascade. */
async function finalStep<T>(
  run: CascadeRun,
  context: ExecutionContext,
  call: () => Promise<T>,
): Promise<T | Step> {
  try {
    return await call();
  } catch (error) {
    if (!context.signal.aborted) throw error;
    return exhausted(run, toGatewayError(error));
  }
}

export function withVerification(executor: Executor, transport: HttpTransport): Executor {
  /** One model on its own, as the executor runs any single-target plan. */
  const planFor = (plan: ExecutionPlan, model: ResolvedModel): ExecutionPlan => ({
    ...plan,
    strategy: 'single',
    targets: [model],
    hedge: undefined,
    verification: undefined,
  });

  const graderFor =
    (
      plan: ExecutionPlan,
      verification: VerificationPlan,
      context: ExecutionContext,
      log: AttemptLog,
    ): GraderCall =>
    async (modelId, request) => {
      const model = verification.models.get(modelId);
      if (model === undefined)
        throw new GatewayError('model_not_found', `the verifier model '${modelId}' is not active`);
      const from = log.records.length;
      try {
        return (await executor.generate(planFor(plan, model), request, context)).response;
      } finally {
        for (let index = from; index < log.records.length; index++)
          log.annotate(index, { purpose: 'verifier' });
      }
    };

  /** The checks of one cascade step, in order of cost, up to the first rejection. */
  const runChecks = async (
    cascade: CascadeSettings,
    plan: ExecutionPlan,
    request: ChatRequest,
    outcome: GenerateOutcome,
    context: ExecutionContext,
    grade: GraderCall,
  ): Promise<Verdict> => {
    const checks: CheckResult[] = [];
    const tolerate = (check: CheckResult): CheckResult =>
      check.verifierFailed === true && cascade.onVerifierError === 'accept'
        ? { ...check, passed: true, reason: `${check.reason}; accepted (on_verifier_error: accept)` }
        : check;
    const steps: (() => Promise<CheckResult | undefined>)[] = [
      () => Promise.resolve(checkAnswerRules(cascade.rules, request, outcome.response)),
      () =>
        Promise.resolve(
          cascade.minConfidence === undefined
            ? undefined
            : checkConfidence(cascade.minConfidence, outcome.response),
        ),
      async () =>
        cascade.webhook === undefined
          ? undefined
          : tolerate(
              await verifyWithWebhook(transport, cascade.webhook, {
                requestId: context.requestId,
                route: plan.route,
                model: outcome.served.id,
                request,
                answer: outcome.response,
                signal: context.signal,
              }),
            ),
      async () =>
        cascade.verifier === undefined
          ? undefined
          : tolerate(await gradeWithModel(cascade.verifier, request, outcome.response, grade)),
    ];
    for (const step of steps) {
      const check = await step();
      if (check === undefined) continue;
      checks.push(check);
      if (!check.passed) return { stage: 'cascade', accepted: false, checks };
    }
    return { stage: 'cascade', accepted: true, checks };
  };

  /** The request as a cascade step sends it: buffered, with logprobs when confidence is checked. */
  const stepRequest = (cascade: CascadeSettings, model: ResolvedModel, request: ChatRequest): ChatRequest => {
    const wantsLogprobs =
      cascade.minConfidence !== undefined && request.logprobs === undefined && model.capabilities.logprobs;
    return { ...request, stream: false, ...(wantsLogprobs ? { logprobs: { topLogprobs: 0 } } : {}) };
  };

  /**
   * Runs the cascade's verified steps (all but the last target). Resolves with the accepted answer, or
   * without one when the last target should answer; `rejected` is the last answer turned down, which
   * `on_exhausted: last_answer` sends when the deadline or the budget ends the cascade.
   */
  const runCascade = async (
    plan: ExecutionPlan,
    verification: VerificationPlan,
    cascade: CascadeSettings,
    request: ChatRequest,
    context: ExecutionContext,
    log: AttemptLog,
  ): Promise<CascadeRun> => {
    const steps: string[] = [];
    const grade = graderFor(plan, verification, context, log);
    const run = (last: ResolvedModel, rejected: GenerateOutcome | undefined): CascadeRun => ({
      accepted: undefined,
      steps,
      last,
      rejected,
      onExhausted: cascade.onExhausted,
    });
    let rejected: GenerateOutcome | undefined;
    /** Before each escalation: the deadline and the cost budget may end the cascade here. */
    const stopBefore = (model: ResolvedModel): CascadeRun | undefined => {
      let error: GatewayError | undefined;
      if (context.signal.aborted) error = toGatewayError(context.signal.reason);
      const spent = spentUsd(log);
      if (error === undefined && cascade.maxCostUsd !== undefined && spent >= cascade.maxCostUsd)
        error = new GatewayError(
          'answer_rejected',
          `The cascade spent $${spent.toFixed(6)} of its $${cascade.maxCostUsd} budget without an accepted answer (${steps.join(', ')}).`,
        );
      return error === undefined
        ? undefined
        : { ...run(model, rejected), accepted: exhausted(run(model, rejected), error) };
    };
    for (const model of plan.targets.slice(0, -1)) {
      const stopped = stopBefore(model);
      if (stopped !== undefined) return stopped;
      const from = log.records.length;
      let outcome: GenerateOutcome;
      try {
        outcome = await executor.generate(
          planFor(plan, model),
          stepRequest(cascade, model, request),
          context,
        );
      } catch (thrown) {
        const error = toGatewayError(thrown);
        // The deadline ends the cascade; a target's own failure escalates, as a fallback would.
        if (context.signal.aborted)
          return { ...run(model, rejected), accepted: exhausted(run(model, rejected), error) };
        if (!error.spec.tryNextTarget) throw error;
        steps.push(`${model.id}=failed(${error.code})`);
        continue;
      }
      const verdict = await runChecks(cascade, plan, request, outcome, context, grade);
      const answered = lastAnswerIndex(log, from);
      if (answered !== undefined) log.annotate(answered, { verdict });
      steps.push(describeVerdict(model.id, verdict));
      const clientOutcome = withoutAddedLogprobs(outcome, request);
      if (verdict.accepted)
        return {
          ...run(model, rejected),
          accepted: { outcome: clientOutcome, summary: { steps, result: undefined } },
        };
      rejected = clientOutcome;
    }
    const last = plan.targets.at(-1) as ResolvedModel;
    const stopped = stopBefore(last);
    if (stopped !== undefined) return stopped;
    steps.push(`${last.id}=final`);
    return run(last, rejected);
  };

  /** The route's answer, cascaded or not, before any verification pass. */
  const answer = async (
    plan: ExecutionPlan,
    verification: VerificationPlan,
    request: ChatRequest,
    context: ExecutionContext,
    log: AttemptLog,
  ): Promise<Step> => {
    const cascade = verification.cascade;
    if (cascade === undefined || plan.targets.length < 2) {
      return {
        outcome: await executor.generate(plan, request, context),
        summary: { steps: [], result: undefined },
      };
    }
    const run = await runCascade(plan, verification, cascade, request, context, log);
    if (run.accepted !== undefined) return run.accepted;
    return finalStep(run, context, async () => ({
      outcome: await executor.generate(planFor(plan, run.last), { ...request, stream: false }, context),
      summary: { steps: run.steps, result: undefined },
    }));
  };

  /** The verification pass: approved, or refused / answered by the escalation model. */
  const verifyPass = async (
    plan: ExecutionPlan,
    verification: VerificationPlan,
    verify: VerifySettings,
    request: ChatRequest,
    step: Step,
    context: ExecutionContext,
    log: AttemptLog,
  ): Promise<Step> => {
    const answered = lastAnswerIndex(log, 0);
    const check = await gradeWithModel(
      verify.verifier,
      request,
      step.outcome.response,
      graderFor(plan, verification, context, log),
    );
    const verdict: Verdict = { stage: 'verify', accepted: check.passed, checks: [check] };
    if (answered !== undefined) log.annotate(answered, { verdict });
    if (check.passed) return { outcome: step.outcome, summary: { ...step.summary, result: 'approved' } };
    if (verify.onReject === 'escalate') {
      const model = verification.models.get(verify.escalateTo);
      if (model !== undefined) {
        const outcome = await executor.generate(planFor(plan, model), { ...request, stream: false }, context);
        return { outcome, summary: { ...step.summary, result: 'escalated' } };
      }
    }
    const response = refusal(step.outcome.response, verify.refusalText);
    return { outcome: { ...step.outcome, response }, summary: { ...step.summary, result: 'refused' } };
  };

  const verifiedAnswer = async (
    plan: ExecutionPlan,
    verification: VerificationPlan,
    request: ChatRequest,
    context: ExecutionContext,
    log: AttemptLog,
  ): Promise<Step> => {
    const step = await answer(plan, verification, request, context, log);
    if (verification.verify === undefined || step.summary.result === 'unverified') return step;
    return verifyPass(plan, verification, verification.verify, request, step, context, log);
  };

  return {
    gates: () => executor.gates(),

    async generate(plan, request, context): Promise<GenerateOutcome> {
      const verification = plan.verification;
      if (verification === undefined) return executor.generate(plan, request, context);
      const log = context.attempts ?? new AttemptLog();
      const logged = { ...context, attempts: log };
      const step = await verifiedAnswer(plan, verification, { ...request, stream: false }, logged, log);
      return { ...step.outcome, attempts: log.records, verification: step.summary };
    },

    async stream(plan, request, context): Promise<StreamOutcome> {
      const verification = plan.verification;
      if (verification === undefined) return executor.stream(plan, request, context);
      const log = context.attempts ?? new AttemptLog();
      const logged = { ...context, attempts: log };
      const cascade = verification.cascade;
      let step: Step;
      if (verification.verify === undefined && cascade !== undefined && plan.targets.length > 1) {
        // Nothing verifies the last target: once the cascade reaches it, its answer streams live.
        const run = await runCascade(plan, verification, cascade, request, logged, log);
        if (run.accepted === undefined) {
          const live = await finalStep(run, logged, async () => ({
            live: await executor.stream(planFor(plan, run.last), request, logged),
          }));
          if ('live' in live) return { ...live.live, verification: { steps: run.steps, result: undefined } };
          step = live;
        } else {
          step = run.accepted;
        }
      } else {
        step = await verifiedAnswer(plan, verification, request, logged, log);
      }
      const { response, ...served } = step.outcome;
      return {
        ...served,
        attempts: log.records,
        parts: responseAsStream(response),
        verification: step.summary,
      };
    },
  };
}

function spentUsd(log: AttemptLog): number {
  let total = 0;
  for (const record of log.records) total += record.costUsd ?? 0;
  return total;
}

/** The attempt whose answer was returned: the last successful non-verifier attempt since `from`. */
function lastAnswerIndex(log: AttemptLog, from: number): number | undefined {
  for (let index = log.records.length - 1; index >= from; index--) {
    const record = log.records[index];
    if (record !== undefined && record.outcome === 'ok' && record.purpose !== 'verifier') return index;
  }
  return undefined;
}

/** Logprobs the cascade asked for to judge confidence are not the client's to receive. */
function withoutAddedLogprobs(outcome: GenerateOutcome, request: ChatRequest): GenerateOutcome {
  if (request.logprobs !== undefined || outcome.response.logprobs === undefined) return outcome;
  const { logprobs: _unasked, ...response } = outcome.response;
  return { ...outcome, response };
}

function refusal(answer: ChatResponse, text: string): ChatResponse {
  return {
    id: answer.id,
    upstreamModel: answer.upstreamModel,
    created: answer.created,
    text,
    toolCalls: [],
    finishReason: { unified: 'content_filter', raw: 'verification_rejected' },
    usage: answer.usage,
  };
}
