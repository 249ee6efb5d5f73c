import { describe, expect, it } from 'vitest';
import type { SparseVector } from '../text-features.ts';
import { createHiddenScorer, HIDDEN_UNITS, trainHiddenLayer } from './hidden-layer.ts';

/** Class k has row k; row 3 is shared noise. As model vectors: rows, already weighted and normalised. */
const vector = (target: number, noise: number): SparseVector => {
  const norm = Math.hypot(1, noise);
  return { indices: Uint32Array.from([target, 3]), values: Float32Array.from([1 / norm, noise / norm]) };
};

describe('hidden layer', () => {
  const rows = [0, 1, 2].flatMap((target) => [0.2, 0.5, 0.8].map((noise) => ({ target, noise })));
  const layer = trainHiddenLayer(
    rows.map(({ target, noise }) => vector(target, noise)),
    Int32Array.from(rows, (row) => row.target),
    4,
    3,
    1,
  );

  it('learns separable rows and adds its logits to the margins', () => {
    expect(layer.units).toBe(HIDDEN_UNITS);
    expect(layer.embedding.length).toBe(4 * HIDDEN_UNITS);
    const score = createHiddenScorer(layer);
    for (const target of [0, 1, 2]) {
      const margins = Float64Array.from([1, 1, 1]);
      // Unnormalised values with their normaliser give the same logits as the normalised vector.
      score(Int32Array.from([target, 3]), Float64Array.from([2, 1]), 2, 1 / Math.hypot(2, 1), margins);
      const best = margins.indexOf(Math.max(...margins));
      expect(best).toBe(target);
    }
  });

  it('is deterministic for a seed', () => {
    const again = trainHiddenLayer(
      rows.map(({ target, noise }) => vector(target, noise)),
      Int32Array.from(rows, (row) => row.target),
      4,
      3,
      1,
    );
    expect(again.embedding).toEqual(layer.embedding);
    expect(again.output).toEqual(layer.output);
  });
});
