import { describe, expect, it } from 'vitest';
import type { IntentClassifier } from './classifier.ts';
import { evaluateIntentClassifier, percentile, predictionMetrics } from './metrics.ts';

describe('intent metrics', () => {
  it('computes accuracy, oos recall and macro-F1 on a small confusion', () => {
    // a: TP 2, FN 1, FP 1 → F1 2/3; b: TP 1, FN 1, FP 1 → 1/2; oos: TP 2, FN 1, FP 1 → 2/3.
    const truth = ['a', 'a', 'a', 'b', 'b', 'oos', 'oos', 'oos'];
    const predicted = ['a', 'a', 'b', 'b', 'oos', 'oos', 'oos', 'a'];
    const metrics = predictionMetrics(truth, predicted);
    expect(metrics.accuracy).toBeCloseTo(3 / 5, 10); // the b row predicted oos counts as wrong
    expect(metrics.oos_recall).toBeCloseTo(2 / 3, 10);
    expect(metrics.macro_f1).toBeCloseTo((2 / 3 + 1 / 2 + 2 / 3) / 3, 10);
    expect(metrics).toMatchObject({ n: 8, in_scope_rows: 5, oos_rows: 3 });
  });

  it('averages F1 over the labels in the data only', () => {
    const metrics = predictionMetrics(['a', 'b'], ['c', 'b']);
    expect(metrics.macro_f1).toBeCloseTo(0.5, 10);
    expect(metrics.oos_recall).toBeNull();
  });

  it('takes nearest-rank percentiles', () => {
    expect(percentile([5, 1, 4, 2, 3], 0.5)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 0.99)).toBe(5);
    expect(percentile([], 0.5)).toBe(0);
  });

  it('evaluates a classifier with latency percentiles', () => {
    const stub = {
      classify: (text: string) => ({ label: text === 'x' ? 'oos' : 'a', confidence: 1 }),
    } as unknown as IntentClassifier;
    const result = evaluateIntentClassifier(stub, [
      { text: 'y', label: 'a' },
      { text: 'x', label: 'oos' },
    ]);
    expect(result).toMatchObject({ accuracy: 1, oos_recall: 1, macro_f1: 1, n: 2 });
    expect(result.p99_us).toBeGreaterThanOrEqual(result.p50_us);
  });
});
