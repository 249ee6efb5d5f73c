import { describe, expect, it } from 'vitest';
import { costUsd } from './cost.ts';

describe('costUsd', () => {
  it('prices input and output per million tokens', () => {
    expect(
      costUsd(
        { inputTokens: 1_000_000, outputTokens: 500_000 },
        { inputPerMillion: 2.5, outputPerMillion: 10 },
      ),
    ).toBeCloseTo(7.5, 10);
  });

  it('prices cached input at the cached rate and the rest at full rate', () => {
    const pricing = { inputPerMillion: 2, outputPerMillion: 8, cachedInputPerMillion: 0.5 };
    // 600k full-price input + 400k cached + 100k output
    expect(
      costUsd({ inputTokens: 1_000_000, cachedInputTokens: 400_000, outputTokens: 100_000 }, pricing),
    ).toBeCloseTo(1.2 + 0.2 + 0.8, 10);
  });

  it('charges cached tokens at full price when the model has no cached price', () => {
    expect(
      costUsd(
        { inputTokens: 1000, cachedInputTokens: 1000, outputTokens: 0 },
        { inputPerMillion: 1, outputPerMillion: 1 },
      ),
    ).toBeCloseTo(0.001, 10);
  });
});
