import { describe, expect, it } from 'vitest';
import { createRowSumKernel } from './simd-kernel.ts';
import { seededRandom } from './linear-svm.ts';

function randomMatrix(rows: number, columns: number, seed: number): Int8Array {
  const random = seededRandom(seed);
  return Int8Array.from({ length: rows * columns }, () => Math.round(random() * 254) - 127);
}

/** The plain float64 sum the kernel must reproduce (to float32 rounding). */
function expectedSums(
  matrix: Int8Array,
  columns: number,
  rows: readonly number[],
  values: readonly number[],
): Float64Array {
  const sums = new Float64Array(columns);
  rows.forEach((row, index) => {
    for (let column = 0; column < columns; column++)
      sums[column]! += values[index]! * matrix[row * columns + column]!;
  });
  return sums;
}

function run(
  matrixRows: number,
  columns: number,
  rows: readonly number[],
  seed = 1,
): [Float64Array, Float64Array] {
  const matrix = randomMatrix(matrixRows, columns, seed);
  const kernel = createRowSumKernel(matrix, matrixRows, columns);
  const random = seededRandom(seed + 1);
  const values = rows.map(() => random() * 4 - 1);
  const output = new Float64Array(columns);
  kernel.add(Int32Array.from(rows), Float64Array.from(values), rows.length, output);
  return [output, expectedSums(matrix, columns, rows, values)];
}

function expectClose(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((value, index) => {
    const want = expected[index]!;
    expect(Math.abs(value - want)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want)));
  });
}

describe('row-sum kernel (WebAssembly SIMD)', () => {
  it('sums weighted rows for a column count that is not a multiple of four', () => {
    const [actual, expected] = run(50, 151, [3, 17, 42, 0, 49]);
    expectClose(actual, expected);
  });

  it('takes any number of rows: fewer than a group, repeats, and more than one call holds', () => {
    for (const rows of [[7], [7, 7, 7], Array.from({ length: 2_500 }, (_, index) => (index * 37) % 300)]) {
      const [actual, expected] = run(300, 16, rows, rows.length);
      expectClose(actual, expected);
    }
  });

  it('adds to what the output already holds and leaves it alone for no rows', () => {
    const matrix = randomMatrix(4, 5, 9);
    const kernel = createRowSumKernel(matrix, 4, 5);
    const output = Float64Array.from([1, 2, 3, 4, 5]);
    kernel.add(new Int32Array(0), new Float64Array(0), 0, output);
    expect([...output]).toEqual([1, 2, 3, 4, 5]);
    kernel.add(Int32Array.of(2), Float64Array.of(2), 1, output);
    expect([...output]).toEqual([0, 1, 2, 3, 4].map((column) => column + 1 + 2 * matrix[2 * 5 + column]!));
  });

  it('keeps each kernel to its own matrix', () => {
    const first = createRowSumKernel(Int8Array.of(1, 2), 1, 2);
    const second = createRowSumKernel(Int8Array.of(10, 20), 1, 2);
    const output = new Float64Array(2);
    first.add(Int32Array.of(0), Float64Array.of(1), 1, output);
    second.add(Int32Array.of(0), Float64Array.of(1), 1, output);
    expect([...output]).toEqual([11, 22]);
  });
});
