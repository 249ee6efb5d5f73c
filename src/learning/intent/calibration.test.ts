import { describe, expect, it } from 'vitest';
import {
  assignFolds,
  chooseThreshold,
  fitTemperature,
  scoreMargins,
  type IntentScore,
} from './calibration.ts';
import { seededRandom } from './linear-svm.ts';

const kept = (probability: number): IntentScore => ({ intent: 0, probability, outOfScopeWins: false });

describe('out-of-scope calibration', () => {
  const inScope = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1].map(kept);

  it('lets the allowed share of in-scope rows go', () => {
    const choice = chooseThreshold(inScope, [], { rejectInScope: 0.2 });
    expect(choice).toEqual({
      threshold: 0.3,
      inScopeRejection: 0.2,
      oosRecall: null,
      rule: 'reject-in-scope',
    });
  });

  it('with too few rows for the share, sits at the least confident held-out row', () => {
    expect(chooseThreshold(inScope, [], { rejectInScope: 0.01 })).toMatchObject({
      threshold: 0.1,
      inScopeRejection: 0,
    });
  });

  it('counts rows the oos class took against the allowance', () => {
    const withClass = [...inScope.slice(1), { ...kept(0.9), outOfScopeWins: true }];
    expect(chooseThreshold(withClass, [], { rejectInScope: 0.2 })).toMatchObject({
      threshold: 0.3,
      inScopeRejection: 0.2,
    });
  });

  it('reaches an oos recall on held-out oos rows', () => {
    const outOfScope = [0.05, 0.1, 0.2, 0.6].map(kept);
    const choice = chooseThreshold(inScope, outOfScope, { oosRecall: 0.5, rejectInScope: 0.01 });
    expect(choice.threshold).toBeCloseTo(0.15, 10);
    expect(choice).toMatchObject({ oosRecall: 0.5, inScopeRejection: 0.1, rule: 'oos-recall' });
    // Without oos rows the recall target cannot be used.
    expect(chooseThreshold(inScope, [], { oosRecall: 0.5, rejectInScope: 0.2 }).rule).toBe('reject-in-scope');
  });

  it('keeps a fixed threshold', () => {
    expect(chooseThreshold(inScope, [], { threshold: 0.55 })).toMatchObject({
      threshold: 0.55,
      rule: 'fixed',
    });
  });

  it('scores the best in-scope class and whether the oos class beats it', () => {
    const score = scoreMargins(Float64Array.from([1, 0, 2]), 1, 2, new Float64Array(3));
    const total = Math.E + 1 + Math.E ** 2;
    expect(score.intent).toBe(0);
    expect(score.probability).toBeCloseTo(Math.E / total, 10);
    expect(score.outOfScopeWins).toBe(true);
  });

  it('fits the temperature the labels were drawn with', () => {
    const random = seededRandom(7);
    const rows = Array.from({ length: 3000 }, () => {
      const margins = Float64Array.from({ length: 3 }, () => random() * 2 - 1);
      const weights = Array.from(margins, (margin) => Math.exp(3 * margin));
      let draw = random() * weights.reduce((sum, weight) => sum + weight, 0);
      let target = 0;
      while (draw > (weights[target] ?? 0) && target < 2) draw -= weights[target++] ?? 0;
      return { margins, target, outOfScope: false };
    });
    expect(fitTemperature(rows)).toBeGreaterThan(2.5);
    expect(fitTemperature(rows)).toBeLessThan(3.5);
  });

  it('deals stratified folds and never holds back a label with one row', () => {
    const labels = [...Array(5).fill('a'), ...Array(5).fill('b'), 'c'] as string[];
    const folds = assignFolds(labels, 5, seededRandom(1));
    expect(folds[10]).toBe(-1);
    for (const label of ['a', 'b']) {
      const foldsOfLabel = labels.flatMap((other, row) => (other === label ? [folds[row]] : []));
      expect([...foldsOfLabel].sort()).toEqual([0, 1, 2, 3, 4]);
    }
  });
});
