/**
 * From margins to a calibrated confidence and an out-of-scope threshold, using rows the model did not
 * learn from (given calibration rows, or training rows held back in folds):
 *
 * 1. **Temperature.** Confidence is the softmax of the margins × a temperature. The temperature minimises
 *    the held-out rows' log loss (temperature scaling), so a confidence of 0.8 is right about 80 % of
 *    the time and a rule can compare `intent_confidence` with a number that means something.
 * 2. **Threshold.** A text whose best intent's confidence is below the threshold is `oos`, as is one whose
 *    `oos` class (when the training rows had out-of-scope examples) beats every intent. The threshold lets
 *    at most `rejectInScope` of the held-out in-scope rows fall to `oos`, or — when asked for and
 *    out-of-scope rows are held out — is the lowest that reaches `oosRecall` on them, or is fixed.
 */

import { OUT_OF_SCOPE_LABEL } from './training-data.ts';

/** What the model says before the threshold is applied. */
export interface IntentScore {
  /** Index of the most probable in-scope class. */
  readonly intent: number;
  /** Its probability. */
  readonly probability: number;
  /** The `oos` class is more probable than every intent. */
  readonly outOfScopeWins: boolean;
}

/**
 * The softmax of `margins × temperature` over every class, reduced to the best in-scope class.
 * `outOfScopeClass` is −1 when the model has no `oos` class. `work` is scratch of the margins' length.
 */
export function scoreMargins(
  margins: Float64Array,
  temperature: number,
  outOfScopeClass: number,
  work: Float64Array,
): IntentScore {
  let largest = -Infinity;
  for (const margin of margins) largest = Math.max(largest, margin);
  let total = 0;
  let intent = -1;
  let best = -Infinity;
  for (let target = 0; target < margins.length; target++) {
    const exponential = Math.exp(((margins[target] ?? 0) - largest) * temperature);
    work[target] = exponential;
    total += exponential;
    if (target !== outOfScopeClass && exponential > best) {
      best = exponential;
      intent = target;
    }
  }
  const outOfScope = outOfScopeClass < 0 ? 0 : (work[outOfScopeClass] ?? 0);
  return { intent, probability: best / total, outOfScopeWins: outOfScope > best };
}

export interface HeldOutRow {
  readonly margins: Float64Array;
  /** The row's class, or −1 for an out-of-scope row when the model has no `oos` class. */
  readonly target: number;
  readonly outOfScope: boolean;
}

const TEMPERATURE_RANGE = [0.05, 500] as const;

/**
 * Share of each held-out row's target spread over all classes. Without it, rows the model gets all
 * right (common with a few clear examples per intent) push the temperature to its bound, every
 * confidence to 1, and the threshold can no longer tell anything apart. 0.01 caps a confidence near
 * 0.99 and moves CLINC150's mean confidence from 0.935 to 0.918 (accuracy 0.939), OOS recall unchanged.
 */
export const LABEL_SMOOTHING = 0.01;

/**
 * The temperature minimising the held-out rows' mean cross-entropy (golden-section search over its log),
 * against the row's class smoothed by LABEL_SMOOTHING — or, for an out-of-scope row when the model has no
 * `oos` class, against the uniform distribution (no intent should be preferred).
 */
export function fitTemperature(rows: readonly HeldOutRow[], smoothing = LABEL_SMOOTHING): number {
  if (rows.length === 0) return 1;
  const loss = (logTemperature: number): number => {
    const temperature = Math.exp(logTemperature);
    let total = 0;
    for (const { margins, target } of rows) {
      let largest = -Infinity;
      let sumOfMargins = 0;
      for (const margin of margins) {
        largest = Math.max(largest, margin);
        sumOfMargins += margin;
      }
      let sum = 0;
      for (const margin of margins) sum += Math.exp((margin - largest) * temperature);
      const logPartition = Math.log(sum);
      const meanLogProbability = (sumOfMargins / margins.length - largest) * temperature - logPartition;
      if (target < 0) {
        total -= meanLogProbability;
        continue;
      }
      const logProbability = ((margins[target] ?? 0) - largest) * temperature - logPartition;
      total -= (1 - smoothing) * logProbability + smoothing * meanLogProbability;
    }
    return total / rows.length;
  };
  const ratio = (Math.sqrt(5) - 1) / 2;
  let low = Math.log(TEMPERATURE_RANGE[0]);
  let high = Math.log(TEMPERATURE_RANGE[1]);
  let left = high - ratio * (high - low);
  let right = low + ratio * (high - low);
  let leftLoss = loss(left);
  let rightLoss = loss(right);
  for (let step = 0; step < 40; step++) {
    if (leftLoss < rightLoss) {
      high = right;
      right = left;
      rightLoss = leftLoss;
      left = high - ratio * (high - low);
      leftLoss = loss(left);
    } else {
      low = left;
      left = right;
      leftLoss = rightLoss;
      right = low + ratio * (high - low);
      rightLoss = loss(right);
    }
  }
  return Math.exp((low + high) / 2);
}

export type OutOfScopePolicy =
  /** Let at most this share of held-out in-scope rows fall to `oos`. */
  | { readonly rejectInScope: number }
  /** Reach this recall on held-out `oos` rows (rejectInScope applies when there are none). */
  | { readonly oosRecall: number; readonly rejectInScope: number }
  /** A fixed threshold (0: only the `oos` class, if any, answers `oos`). */
  | { readonly threshold: number };

export interface ThresholdChoice {
  readonly threshold: number;
  /** Share of held-out in-scope rows the threshold (or the `oos` class) sends to `oos`; null without any. */
  readonly inScopeRejection: number | null;
  /** Share of held-out `oos` rows caught; null without any. */
  readonly oosRecall: number | null;
  /** Which rule chose the threshold. */
  readonly rule: 'reject-in-scope' | 'oos-recall' | 'fixed';
}

export function chooseThreshold(
  inScope: readonly IntentScore[],
  outOfScope: readonly IntentScore[],
  policy: OutOfScopePolicy,
): ThresholdChoice {
  let threshold: number;
  let rule: ThresholdChoice['rule'];
  if ('threshold' in policy) {
    threshold = policy.threshold;
    rule = 'fixed';
  } else if ('oosRecall' in policy && outOfScope.length > 0) {
    threshold = thresholdForRecall(outOfScope, policy.oosRecall);
    rule = 'oos-recall';
  } else {
    threshold = thresholdForRejection(inScope, policy.rejectInScope);
    rule = 'reject-in-scope';
  }
  const rejected = (score: IntentScore): boolean => score.outOfScopeWins || score.probability < threshold;
  return {
    threshold,
    inScopeRejection: share(inScope, rejected),
    oosRecall: share(outOfScope, rejected),
    rule,
  };
}

function share<T>(items: readonly T[], test: (item: T) => boolean): number | null {
  return items.length === 0 ? null : items.filter(test).length / items.length;
}

function ascendingProbabilities(scores: readonly IntentScore[]): number[] {
  return scores
    .filter((score) => !score.outOfScopeWins)
    .map((score) => score.probability)
    .sort((a, b) => a - b);
}

/**
 * The probability of the least confident held-out in-scope row that is kept: rows below it are the
 * ones let go. With few rows (fewer than 1/rejectInScope) none may go, and the threshold is the lowest
 * held-out probability — a text less sure than every held-out example is `oos`.
 */
function thresholdForRejection(inScope: readonly IntentScore[], rejectInScope: number): number {
  const probabilities = ascendingProbabilities(inScope);
  if (probabilities.length === 0) return 0;
  const allowed = Math.floor(rejectInScope * inScope.length + 1e-9) - (inScope.length - probabilities.length);
  return probabilities[Math.min(Math.max(allowed, 0), probabilities.length - 1)] ?? 0;
}

/**
 * Midway between the last `oos` row that must be caught and the next higher probability, so the cut sits
 * on no row and rows tied with the last are caught too.
 */
function thresholdForRecall(outOfScope: readonly IntentScore[], oosRecall: number): number {
  const probabilities = ascendingProbabilities(outOfScope);
  const needed = Math.ceil(oosRecall * outOfScope.length - 1e-9) - (outOfScope.length - probabilities.length);
  if (needed <= 0) return 0;
  const last = probabilities[Math.min(needed, probabilities.length) - 1] ?? 0;
  const next = probabilities.find((probability) => probability > last) ?? Math.min(1, last + 1e-6);
  return (last + next) / 2;
}

/**
 * Stratified folds: each label's rows (in a seeded order) are dealt round-robin, so every fold holds
 * back about 1/folds of every label. A label with a single row is never held back (its fold's model
 * could not know it). Returns the fold of each row, −1 for never held back.
 */
export function assignFolds(labels: readonly string[], folds: number, random: () => number): Int32Array {
  const assignment = new Int32Array(labels.length).fill(-1);
  const byLabel = new Map<string, number[]>();
  labels.forEach((label, row) => {
    const rows = byLabel.get(label) ?? [];
    rows.push(row);
    byLabel.set(label, rows);
  });
  // Continue the deal across labels so small labels do not all land in fold 0.
  let next = 0;
  for (const [label, rows] of byLabel) {
    if (rows.length < 2 && label !== OUT_OF_SCOPE_LABEL) continue;
    for (let index = rows.length - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1));
      [rows[index], rows[other]] = [rows[other] ?? 0, rows[index] ?? 0];
    }
    for (const row of rows) assignment[row] = next++ % folds;
  }
  return assignment;
}
