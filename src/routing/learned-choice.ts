/**
 * `strategy: learned`: the learned router predicts each target's quality for this prompt, the route's
 * policy weighs it against cost, and the chosen target goes first — the others follow as fallbacks, best
 * predicted first. The predictions, costs and the policy's numbers go into the decision record.
 */

import type { LearnedRouteSettings } from '../config/resolved.ts';
import type { ResolvedModel } from '../core/model.ts';
import type { ChatRequest } from '../core/request.ts';
import type { SignalValues } from '../features/signal-types.ts';
import { promptTextFromMessages } from '../learning/router/outcomes.ts';
import {
  chooseCheapestReaching,
  chooseMaxUtility,
  chooseStrongOrWeak,
  PolicyError,
  type PolicyDecision,
  type PolicyInput,
} from '../learning/router/policy.ts';
import { predictQualities } from '../learning/router/predict.ts';
import { costUsd } from '../executor/cost.ts';

/** `costs: prices` without a max_tokens: the output length a typical answer has (tokens). */
export const EXPECTED_OUTPUT_TOKENS = 256;

/** The policy's decision over target ids; `error` when it could not decide (the route's order stands). */
export type LearnedDecision = PolicyDecision | { readonly policy: 'error'; readonly error: string };

export function chooseLearned(
  settings: LearnedRouteSettings,
  targets: readonly ResolvedModel[],
  request: ChatRequest,
  signals: SignalValues,
): { readonly targets: readonly ResolvedModel[]; readonly record: LearnedDecision } {
  const byRouterName = predictQualities(settings.router, promptTextFromMessages(request.messages));
  const predicted: Record<string, number> = {};
  const costs: Record<string, number> = {};
  for (const target of targets) {
    const name = settings.modelNames[target.id];
    const quality = name === undefined ? undefined : byRouterName[name];
    if (name === undefined || quality === undefined) continue;
    predicted[target.id] = quality;
    costs[target.id] =
      settings.costs === 'router' ? (settings.router.costs[name] ?? 0) : priceOf(target, request, signals);
  }
  const input: PolicyInput = { predicted, costs };
  let record: LearnedDecision;
  try {
    record = decide(settings, input);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    return { targets, record: { policy: 'error', error: error.message } };
  }
  const chosen = targets.find((target) => target.id === record.model);
  const rest = targets
    .filter((target) => target !== chosen)
    .sort((left, right) => (predicted[right.id] ?? -Infinity) - (predicted[left.id] ?? -Infinity));
  return { targets: chosen === undefined ? rest : [chosen, ...rest], record };
}

function decide(settings: LearnedRouteSettings, input: PolicyInput): PolicyDecision {
  const policy = settings.policy;
  switch (policy.kind) {
    case 'max-utility':
      return chooseMaxUtility(input, policy.lambda);
    case 'quality-target':
      return chooseCheapestReaching(input, policy.target);
    case 'strong-weak':
      return chooseStrongOrWeak(input, { strong: policy.strong, weak: policy.weak }, policy.threshold);
  }
}

/** The target's price for this request: its prompt tokens, and its output cap or a typical answer. */
function priceOf(target: ResolvedModel, request: ChatRequest, signals: SignalValues): number {
  const promptTokens = signals.get('prompt_tokens');
  const input = typeof promptTokens === 'number' ? promptTokens : 0;
  const output = request.maxOutputTokens ?? EXPECTED_OUTPUT_TOKENS;
  return costUsd({ inputTokens: input, outputTokens: output }, target.pricing);
}
