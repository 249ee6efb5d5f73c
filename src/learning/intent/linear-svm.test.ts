import { describe, expect, it } from 'vitest';
import type { SparseVector } from '../text-features.ts';
import { trainOneVsRestSvm } from './linear-svm.ts';

const vector = (entries: Record<number, number>): SparseVector => {
  const indices = Object.keys(entries).map(Number);
  return {
    indices: Uint32Array.from(indices),
    values: Float32Array.from(indices, (index) => entries[index] ?? 0),
  };
};

describe('one-vs-rest linear SVM', () => {
  // Class k has feature k; feature 3 is noise shared by all.
  const rows = [0, 1, 2].flatMap((target) =>
    [0.2, 0.5, 0.8].map((noise) => ({ vector: vector({ [target]: 1, 3: noise }), target })),
  );
  const options = { cost: 1, tolerance: 0.01, maxPasses: 1000, seed: 1 };
  const model = trainOneVsRestSvm(
    rows.map((row) => row.vector),
    Int32Array.from(rows, (row) => row.target),
    4,
    3,
    options,
  );

  it('separates separable classes, with weights laid out feature-major', () => {
    for (const { vector: input, target } of rows) {
      const margins = [0, 1, 2].map((label) => {
        let margin = model.biases[label] ?? 0;
        input.indices.forEach((feature, entry) => {
          margin += (input.values[entry] ?? 0) * (model.weights[feature * 3 + label] ?? 0);
        });
        return margin;
      });
      expect(margins.indexOf(Math.max(...margins))).toBe(target);
      expect(margins[target]).toBeGreaterThan(0);
    }
    expect(model.weights[1 * 3 + 1]).toBeGreaterThan(0); // feature 1 speaks for class 1
    expect(model.weights[1 * 3 + 0]).toBeLessThan(0); // and against class 0
  });

  it('is deterministic for a seed', () => {
    const again = trainOneVsRestSvm(
      rows.map((row) => row.vector),
      Int32Array.from(rows, (row) => row.target),
      4,
      3,
      options,
    );
    expect(Array.from(again.weights)).toEqual(Array.from(model.weights));
  });
});
