import { describe, expect, it } from 'vitest';
import { chooseCheapestReaching, chooseMaxUtility, chooseStrongOrWeak, PolicyError } from './policy.ts';

const PREDICTED = { small: 0.6, medium: 0.75, large: 0.9 };
const COSTS = { small: 0.0001, medium: 0.001, large: 0.01 };

describe('chooseMaxUtility', () => {
  it('picks the best predicted quality at λ = 0 and the cheapest at λ = ∞', () => {
    expect(chooseMaxUtility({ predicted: PREDICTED, costs: COSTS }, 0).model).toBe('large');
    expect(chooseMaxUtility({ predicted: PREDICTED, costs: COSTS }, Number.POSITIVE_INFINITY).model).toBe(
      'small',
    );
  });

  it('trades quality for cost at λ and reports every candidate utility', () => {
    // λ = 50: small 0.595, medium 0.70, large 0.40.
    const decision = chooseMaxUtility({ predicted: PREDICTED, costs: COSTS }, 50);
    expect(decision.model).toBe('medium');
    expect(decision.utility).toBeCloseTo(0.7, 12);
    expect(decision.candidates.map((candidate) => candidate.model)).toEqual(['small', 'medium', 'large']);
    expect(decision.candidates[2]!.utility).toBeCloseTo(0.4, 12);
  });

  it('breaks ties toward the cheaper model, and honours the candidate list', () => {
    expect(chooseMaxUtility({ predicted: { a: 0.5, b: 0.5 }, costs: { a: 2, b: 1 } }, 0).model).toBe('b');
    expect(
      chooseMaxUtility({ predicted: PREDICTED, costs: COSTS, candidates: ['small', 'medium'] }, 0).model,
    ).toBe('medium');
  });

  it('refuses a negative λ and an empty candidate set', () => {
    expect(() => chooseMaxUtility({ predicted: PREDICTED, costs: COSTS }, -1)).toThrow(PolicyError);
    expect(() => chooseMaxUtility({ predicted: PREDICTED, costs: {} }, 1)).toThrow(/no candidate/);
  });
});

describe('chooseCheapestReaching', () => {
  it('takes the cheapest model predicted to reach the target', () => {
    const decision = chooseCheapestReaching({ predicted: PREDICTED, costs: COSTS }, 0.7);
    expect(decision).toMatchObject({ model: 'medium', reached: true, target: 0.7 });
  });

  it('falls back to the best predicted model when none reaches it, and says so', () => {
    expect(chooseCheapestReaching({ predicted: PREDICTED, costs: COSTS }, 0.95)).toMatchObject({
      model: 'large',
      reached: false,
    });
  });
});

describe('chooseStrongOrWeak', () => {
  it('sends to the strong model only when its predicted advantage exceeds the threshold', () => {
    const pair = { strong: 'large', weak: 'small' };
    const input = { predicted: PREDICTED, costs: COSTS };
    expect(chooseStrongOrWeak(input, pair, 0.2)).toMatchObject({
      model: 'large',
      advantage: expect.closeTo(0.3, 12),
    });
    expect(chooseStrongOrWeak(input, pair, 0.31).model).toBe('small');
  });

  it('needs both models', () => {
    expect(() =>
      chooseStrongOrWeak({ predicted: PREDICTED, costs: COSTS }, { strong: 'huge', weak: 'small' }, 0),
    ).toThrow(/'huge'/);
  });
});
