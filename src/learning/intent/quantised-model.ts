/**
 * The intent model as it is stored and scored: one row per hash bucket seen in training (sorted), each
 * with its document frequency (→ an IDF weight) and its non-zero class weights as int8 with one scale for
 * the whole model. Rows are feature-major, so scoring a text touches only the rows of its own buckets.
 *
 * Why these choices (measured on CLINC150, docs/benchmarks.md): a square-rooted IDF weight on top of the
 * hashed features' sublinear tf added about 0.2 points of accuracy (full IDF lost 0.3); about nine in ten
 * SVM weights are exactly zero (a feature absent from every support vector of a class), and int8 with
 * one scale changes no accuracy figure beyond noise, so the CLINC150 model is ~2 MB rather than 33.
 */

import type { SparseVector } from '../text-features.ts';
import type { LinearScores } from './linear-svm.ts';
import { createHiddenScorer, type HiddenLayer } from './hidden-layer.ts';
import { createRowSumKernel } from './simd-kernel.ts';

export interface QuantisedModel {
  /** Hash buckets with a row, ascending. */
  readonly buckets: Uint32Array;
  /** Training rows containing each bucket. */
  readonly documentFrequency: Uint32Array;
  /** Rows the document frequencies were counted over. */
  readonly documentCount: number;
  /** Row r's entries are `rowStarts[r] … rowStarts[r + 1] − 1`. */
  readonly rowStarts: Uint32Array;
  /** Class of each entry, ascending within a row. */
  readonly entryClasses: Uint16Array;
  /** Weight of each entry in units of `scale`. */
  readonly entryValues: Int8Array;
  readonly scale: number;
  readonly biases: Float32Array;
  readonly classCount: number;
}

export interface Vocabulary {
  readonly buckets: Uint32Array;
  readonly documentFrequency: Uint32Array;
  readonly documentCount: number;
}

/** Square-rooted smoothed IDF: a bucket in every row weighs 1, a bucket in one row of 15,000 about 3.2. */
export function inverseDocumentFrequency(documentFrequency: number, documentCount: number): number {
  return Math.sqrt(Math.log((documentCount + 1) / (documentFrequency + 1)) + 1);
}

export function buildVocabulary(vectors: readonly SparseVector[]): Vocabulary {
  const frequency = new Map<number, number>();
  for (const vector of vectors) {
    for (const bucket of vector.indices) frequency.set(bucket, (frequency.get(bucket) ?? 0) + 1);
  }
  const buckets = Uint32Array.from(frequency.keys()).sort();
  const documentFrequency = Uint32Array.from(buckets, (bucket) => frequency.get(bucket) ?? 0);
  return { buckets, documentFrequency, documentCount: vectors.length };
}

/** Bucket → row, or −1 for a bucket never seen in training. */
export type RowLookup = (bucket: number) => number;

/** Up to 2^20 buckets a dense table (4 MB at most) is the fastest lookup; beyond, binary search. */
const DENSE_LOOKUP_BITS = 20;

export function createRowLookup(buckets: Uint32Array): RowLookup {
  const largest = buckets.length === 0 ? 0 : (buckets[buckets.length - 1] ?? 0);
  if (largest < 2 ** DENSE_LOOKUP_BITS) {
    const table = new Int32Array(largest + 1).fill(-1);
    buckets.forEach((bucket, row) => (table[bucket] = row));
    return (bucket) => (bucket < table.length ? (table[bucket] ?? -1) : -1);
  }
  return (bucket) => {
    let low = 0;
    let high = buckets.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = buckets[middle] ?? 0;
      if (value === bucket) return middle;
      if (value < bucket) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  };
}

export function idfWeights(vocabulary: Vocabulary): Float32Array {
  return Float32Array.from(vocabulary.documentFrequency, (frequency) =>
    inverseDocumentFrequency(frequency, vocabulary.documentCount),
  );
}

/**
 * A text's features as the model sees them: indexed by row, IDF-weighted and L2-normalised again;
 * buckets never seen in training are dropped (no weights, and they would only dilute the norm).
 */
export function toModelVector(vector: SparseVector, lookup: RowLookup, idf: Float32Array): SparseVector {
  const rows: number[] = [];
  const values: number[] = [];
  let squares = 0;
  for (let entry = 0; entry < vector.indices.length; entry++) {
    const row = lookup(vector.indices[entry] ?? 0);
    if (row < 0) continue;
    const value = (vector.values[entry] ?? 0) * (idf[row] ?? 1);
    rows.push(row);
    values.push(value);
    squares += value * value;
  }
  const norm = Math.sqrt(squares);
  return {
    indices: Uint32Array.from(rows),
    values: Float32Array.from(values, (value) => (norm > 0 ? value / norm : 0)),
  };
}

/** Weights to int8 with one scale (the largest magnitude maps to ±127); zeros are not stored. */
export function quantise(scores: LinearScores, vocabulary: Vocabulary): QuantisedModel {
  const { featureCount, classCount, weights } = scores;
  let largest = 0;
  for (const weight of weights) largest = Math.max(largest, Math.abs(weight));
  const scale = largest > 0 ? largest / 127 : 1;
  const rowStarts = new Uint32Array(featureCount + 1);
  const classes: number[] = [];
  const values: number[] = [];
  for (let row = 0; row < featureCount; row++) {
    rowStarts[row] = classes.length;
    for (let target = 0; target < classCount; target++) {
      const value = Math.round((weights[row * classCount + target] ?? 0) / scale);
      if (value === 0) continue;
      classes.push(target);
      values.push(value);
    }
  }
  rowStarts[featureCount] = classes.length;
  return {
    ...vocabulary,
    rowStarts,
    entryClasses: Uint16Array.from(classes),
    entryValues: Int8Array.from(values),
    scale,
    biases: Float32Array.from(scores.biases),
    classCount,
  };
}

/** Writes each class's margin for a featurized text into `margins` (length classCount). */
export type MarginScorer = (vector: SparseVector, margins: Float64Array) => void;

/**
 * Rows with at least this share of classes non-zero are scored densely (SIMD, simd-kernel.ts): a common
 * bucket (a frequent character n-gram) has weights for almost every class, and a dense row is read
 * without the class indirection.
 */
const DENSE_ROW_SHARE = 0.25;

/** Per row, side by side: first entry, end entry, dense row or −1 (integers, so V8 indexes with them fast). */
const ROW_FIELDS = 3;

export function createMarginScorer(model: QuantisedModel, hiddenLayer?: HiddenLayer): MarginScorer {
  const lookup = createRowLookup(model.buckets);
  const idf = idfWeights(model);
  const { rowStarts, entryClasses, entryValues, biases, classCount, scale } = model;
  const rowCount = model.buckets.length;
  const rows = new Int32Array(rowCount * ROW_FIELDS);
  let denseRows = 0;
  for (let row = 0; row < rowCount; row++) {
    const start = rowStarts[row]!;
    const end = rowStarts[row + 1]!;
    const isDense = end - start >= DENSE_ROW_SHARE * classCount;
    rows.set([start, end, isDense ? denseRows++ : -1], row * ROW_FIELDS);
  }
  const dense = new Int8Array(denseRows * classCount);
  for (let row = 0; row < rowCount; row++) {
    const denseRow = rows[row * ROW_FIELDS + 2]!;
    if (denseRow < 0) continue;
    for (let position = rowStarts[row]!; position < rowStarts[row + 1]!; position++) {
      dense[denseRow * classCount + entryClasses[position]!] = entryValues[position]!;
    }
  }
  const denseKernel = createRowSumKernel(dense, denseRows, classCount);
  // The text's dense rows, gathered for one kernel call.
  let denseRowsSeen = new Int32Array(256);
  let denseValues = new Float64Array(256);
  // The text's seen rows and values, for the hidden layer.
  let seenRows = new Int32Array(256);
  let seenValues = new Float64Array(256);
  const addHidden = hiddenLayer === undefined ? undefined : createHiddenScorer(hiddenLayer);
  return (vector, margins) => {
    margins.fill(0);
    let squares = 0;
    let denseCount = 0;
    let seenCount = 0;
    const { indices, values } = vector;
    if (indices.length > denseRowsSeen.length) {
      denseRowsSeen = new Int32Array(indices.length);
      denseValues = new Float64Array(indices.length);
      seenRows = new Int32Array(indices.length);
      seenValues = new Float64Array(indices.length);
    }
    for (let entry = 0; entry < indices.length; entry++) {
      const row = lookup(indices[entry]!);
      if (row < 0) continue;
      const field = row * ROW_FIELDS;
      const value = values[entry]! * idf[row]!;
      squares += value * value;
      seenRows[seenCount] = row;
      seenValues[seenCount++] = value;
      const denseRow = rows[field + 2]!;
      if (denseRow >= 0) {
        denseRowsSeen[denseCount] = denseRow;
        denseValues[denseCount++] = value;
        continue;
      }
      const end = rows[field + 1]!;
      for (let position = rows[field]!; position < end; position++) {
        margins[entryClasses[position]!]! += value * entryValues[position]!;
      }
    }
    denseKernel.add(denseRowsSeen, denseValues, denseCount, margins);
    // Normalising after the sums gives the same margins as scoring the normalised vector.
    const factor = squares > 0 ? scale / Math.sqrt(squares) : 0;
    for (let target = 0; target < classCount; target++)
      margins[target] = margins[target]! * factor + biases[target]!;
    if (addHidden !== undefined && squares > 0)
      addHidden(seenRows, seenValues, seenCount, 1 / Math.sqrt(squares), margins);
  };
}
