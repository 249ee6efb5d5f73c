import { describe, expect, it } from 'vitest';
import { DEFAULT_TEXT_FEATURES, featurize, sparseDot, tokenizeWords } from './text-features.ts';

describe('text features', () => {
  it('tokenizes lower-cased words and keeps apostrophes inside a word', () => {
    expect(tokenizeWords("What's my BALANCE, please?")).toEqual(["what's", 'my', 'balance', 'please']);
  });

  it('is L2-normalised with ascending unique indices within the hash space', () => {
    const vector = featurize('how do I reset my password');
    let squares = 0;
    for (const value of vector.values) squares += value * value;
    expect(squares).toBeCloseTo(1, 5);
    for (let position = 1; position < vector.indices.length; position++) {
      expect(vector.indices[position]!).toBeGreaterThan(vector.indices[position - 1]!);
    }
    expect(Math.max(...vector.indices)).toBeLessThan(2 ** DEFAULT_TEXT_FEATURES.hashBits);
  });

  it('is deterministic, and similar texts are closer than unrelated ones', () => {
    const cosine = (left: string, right: string): number => {
      const a = featurize(left);
      const dense = new Float32Array(2 ** DEFAULT_TEXT_FEATURES.hashBits);
      const b = featurize(right);
      b.indices.forEach((index, position) => (dense[index] = b.values[position]!));
      return sparseDot(a, dense);
    };
    expect(featurize('transfer money').indices).toEqual(featurize('transfer money').indices);
    expect(cosine('transfer money to savings', 'transfer funds to my savings')).toBeGreaterThan(
      cosine('transfer money to savings', 'what is the weather tomorrow') + 0.2,
    );
  });

  it('gives an empty vector for text without words', () => {
    expect(featurize('  ?! ').indices.length).toBe(0);
  });
});
