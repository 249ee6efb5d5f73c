/**
 * The learned router's decision rules: pure functions from predicted qualities and costs to one model,
 * with the numbers that explain the choice (the gateway copies them into its "why" record).
 *
 * - `chooseMaxUtility`: the model maximising predicted quality − λ · cost (λ in quality per USD).
 * - `chooseCheapestReaching`: the cheapest model whose predicted quality reaches a target; if none does,
 *   the one predicted best.
 * - `chooseStrongOrWeak`: for a strong/weak pair, the strong model when its predicted advantage over the
 *   weak one exceeds a threshold (RouteLLM's rule).
 *
 * Candidates are the models present in both `predicted` and `costs` (optionally narrowed to
 * `candidates`, e.g. the targets left after the gateway's filters), in the order of `predicted`. Ties go
 * to the cheaper model, then to the earlier one, so every decision is reproducible.
 */

export interface CandidateScore {
  readonly model: string;
  readonly predictedQuality: number;
  readonly cost: number;
}

export interface PolicyInput {
  /** Predicted quality per model (`predictQualities`). */
  readonly predicted: Readonly<Record<string, number>>;
  /** Expected USD per request per model: the artifact's mean costs, or the gateway's own estimate. */
  readonly costs: Readonly<Record<string, number>>;
  /** Only these models may be chosen (default: every model with a prediction and a cost). */
  readonly candidates?: readonly string[];
}

export interface MaxUtilityDecision {
  readonly policy: 'max-utility';
  readonly model: string;
  readonly lambda: number;
  /** The chosen model's predicted quality − λ · cost. */
  readonly utility: number;
  readonly candidates: readonly (CandidateScore & { readonly utility: number })[];
}

export interface QualityTargetDecision {
  readonly policy: 'quality-target';
  readonly model: string;
  readonly target: number;
  /** False when no candidate was predicted to reach the target (the best predicted was chosen). */
  readonly reached: boolean;
  readonly candidates: readonly CandidateScore[];
}

export interface StrongWeakDecision {
  readonly policy: 'strong-weak';
  readonly model: string;
  readonly strong: string;
  readonly weak: string;
  /** Predicted quality of strong − weak. */
  readonly advantage: number;
  readonly threshold: number;
  readonly candidates: readonly CandidateScore[];
}

export type PolicyDecision = MaxUtilityDecision | QualityTargetDecision | StrongWeakDecision;

export class PolicyError extends Error {
  override readonly name = 'PolicyError';
}

export function candidateScores(input: PolicyInput): CandidateScore[] {
  const allowed = input.candidates === undefined ? undefined : new Set(input.candidates);
  const scores: CandidateScore[] = [];
  for (const [model, predictedQuality] of Object.entries(input.predicted)) {
    const cost = input.costs[model];
    if (cost === undefined || (allowed !== undefined && !allowed.has(model))) continue;
    scores.push({ model, predictedQuality, cost });
  }
  if (scores.length === 0) throw new PolicyError('no candidate model has both a prediction and a cost');
  return scores;
}

export function chooseMaxUtility(input: PolicyInput, lambda: number): MaxUtilityDecision {
  if (!(lambda >= 0)) throw new PolicyError(`lambda must be ≥ 0, got ${lambda}`);
  const candidates = candidateScores(input).map((candidate) => ({
    ...candidate,
    // λ = ∞ means "cheapest": ∞ · 0 would be NaN for a free model.
    utility:
      lambda === Number.POSITIVE_INFINITY
        ? -candidate.cost
        : candidate.predictedQuality - lambda * candidate.cost,
  }));
  let best = candidates[0]!;
  for (const candidate of candidates) {
    if (
      candidate.utility > best.utility ||
      (candidate.utility === best.utility && candidate.cost < best.cost)
    ) {
      best = candidate;
    }
  }
  return { policy: 'max-utility', model: best.model, lambda, utility: best.utility, candidates };
}

export function chooseCheapestReaching(input: PolicyInput, target: number): QualityTargetDecision {
  const candidates = candidateScores(input);
  let cheapest: CandidateScore | undefined;
  let bestPredicted = candidates[0]!;
  for (const candidate of candidates) {
    if (candidate.predictedQuality >= target && (cheapest === undefined || candidate.cost < cheapest.cost)) {
      cheapest = candidate;
    }
    if (
      candidate.predictedQuality > bestPredicted.predictedQuality ||
      (candidate.predictedQuality === bestPredicted.predictedQuality && candidate.cost < bestPredicted.cost)
    ) {
      bestPredicted = candidate;
    }
  }
  return {
    policy: 'quality-target',
    model: (cheapest ?? bestPredicted).model,
    target,
    reached: cheapest !== undefined,
    candidates,
  };
}

export function chooseStrongOrWeak(
  input: PolicyInput,
  pair: { readonly strong: string; readonly weak: string },
  threshold: number,
): StrongWeakDecision {
  const candidates = candidateScores({ ...input, candidates: [pair.strong, pair.weak] });
  const strong = candidates.find((candidate) => candidate.model === pair.strong);
  const weak = candidates.find((candidate) => candidate.model === pair.weak);
  if (strong === undefined || weak === undefined) {
    throw new PolicyError(`both '${pair.strong}' and '${pair.weak}' need a prediction and a cost`);
  }
  const advantage = strong.predictedQuality - weak.predictedQuality;
  return {
    policy: 'strong-weak',
    model: advantage > threshold ? strong.model : weak.model,
    strong: strong.model,
    weak: weak.model,
    advantage,
    threshold,
    candidates,
  };
}
