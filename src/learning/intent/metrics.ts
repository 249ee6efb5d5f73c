/**
 * How well a classifier does on labelled rows, as Larson et al. (2019) measure it on CLINC150:
 *
 * - **accuracy**: share of in-scope rows (label ≠ `oos`) given exactly their label. An in-scope row
 *   predicted `oos` counts as wrong.
 * - **oos_recall**: share of `oos` rows predicted `oos` (null when the data has none).
 * - **macro_f1**: the unweighted mean of per-label F1 (2·TP / (2·TP + FP + FN)) over every label that
 *   occurs in the data — each intent, and `oos` when the data has `oos` rows. A prediction of a label the
 *   data never has is a false negative of the true label but adds no label to the mean.
 * - **latency**: microseconds per `classify` call, p50 and p99 (nearest rank), over every row after one
 *   untimed pass (so the JIT has compiled the path being measured).
 */

import type { IntentClassifier } from './classifier.ts';
import { OUT_OF_SCOPE_LABEL, type LabelledText } from './training-data.ts';

export interface PredictionMetrics {
  readonly accuracy: number;
  readonly oos_recall: number | null;
  readonly macro_f1: number;
  readonly n: number;
  readonly in_scope_rows: number;
  readonly oos_rows: number;
}

export interface IntentEvaluation extends PredictionMetrics {
  readonly p50_us: number;
  readonly p99_us: number;
}

export function predictionMetrics(truth: readonly string[], predicted: readonly string[]): PredictionMetrics {
  if (truth.length !== predicted.length) throw new RangeError('truth and predictions differ in length');
  const perLabel = new Map<string, { truePositive: number; falsePositive: number; falseNegative: number }>();
  const counts = (label: string): { truePositive: number; falsePositive: number; falseNegative: number } => {
    let entry = perLabel.get(label);
    if (entry === undefined)
      perLabel.set(label, (entry = { truePositive: 0, falsePositive: 0, falseNegative: 0 }));
    return entry;
  };
  for (const label of truth) counts(label);
  let inScope = 0;
  let inScopeCorrect = 0;
  let outOfScope = 0;
  let outOfScopeCaught = 0;
  truth.forEach((label, index) => {
    const guess = predicted[index] ?? '';
    if (label === OUT_OF_SCOPE_LABEL) {
      outOfScope++;
      if (guess === label) outOfScopeCaught++;
    } else {
      inScope++;
      if (guess === label) inScopeCorrect++;
    }
    if (guess === label) {
      counts(label).truePositive++;
      return;
    }
    counts(label).falseNegative++;
    const guessed = perLabel.get(guess);
    if (guessed !== undefined) guessed.falsePositive++;
  });
  let f1Sum = 0;
  for (const { truePositive, falsePositive, falseNegative } of perLabel.values()) {
    const denominator = 2 * truePositive + falsePositive + falseNegative;
    f1Sum += denominator === 0 ? 0 : (2 * truePositive) / denominator;
  }
  return {
    accuracy: inScope === 0 ? 0 : inScopeCorrect / inScope,
    oos_recall: outOfScope === 0 ? null : outOfScopeCaught / outOfScope,
    macro_f1: perLabel.size === 0 ? 0 : f1Sum / perLabel.size,
    n: truth.length,
    in_scope_rows: inScope,
    oos_rows: outOfScope,
  };
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: readonly number[], fraction: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1] ?? 0;
}

export function evaluateIntentClassifier(
  classifier: IntentClassifier,
  rows: readonly LabelledText[],
): IntentEvaluation {
  for (const row of rows) classifier.classify(row.text);
  const predicted: string[] = [];
  const micros: number[] = [];
  for (const row of rows) {
    const start = process.hrtime.bigint();
    const prediction = classifier.classify(row.text);
    micros.push(Number(process.hrtime.bigint() - start) / 1000);
    predicted.push(prediction.label);
  }
  const metrics = predictionMetrics(
    rows.map((row) => row.label),
    predicted,
  );
  return { ...metrics, p50_us: percentile(micros, 0.5), p99_us: percentile(micros, 0.99) };
}
