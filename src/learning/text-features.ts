/**
 * Text → hashed sparse feature vector, the input of every in-process learned model (the intent
 * classifier, the learned router). No vocabulary and no pretrained weights: word n-grams and character
 * n-grams (within word boundaries, fastText-style) are hashed into a fixed number of buckets, counted
 * with sublinear term frequency, and the vector is L2-normalised so long and short texts weigh alike.
 *
 * The options are stored in every model artifact, so a model is always scored with the features it was
 * trained on. Changing what a given set of options produces invalidates saved artifacts: bump
 * `TEXT_FEATURES_VERSION` when you do.
 */

import { fnv1a32 } from '../core/hash.ts';

export const TEXT_FEATURES_VERSION = 1;

export interface TextFeatureOptions {
  /** log2 of the number of hash buckets (18 → 262,144). */
  readonly hashBits: number;
  /** Word n-gram lengths, inclusive: [1, 2] is unigrams and bigrams. */
  readonly wordNgrams: readonly [number, number];
  /** Character n-gram lengths, inclusive, taken inside `<word>` with boundary marks; [0, 0] is none. */
  readonly charNgrams: readonly [number, number];
  /** Weight of the character block relative to the word block before normalisation. */
  readonly charWeight: number;
}

export const DEFAULT_TEXT_FEATURES: TextFeatureOptions = {
  hashBits: 18,
  wordNgrams: [1, 2],
  charNgrams: [2, 5],
  charWeight: 0.5,
};

/** Parallel arrays of bucket index and value, indices ascending and unique. */
export interface SparseVector {
  readonly indices: Uint32Array;
  readonly values: Float32Array;
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/** Lower-cased word tokens, apostrophes kept inside a word ("what's"). */
export function tokenizeWords(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

// Distinct seeds keep the word "ab" and the character bigram "ab" in different buckets.
const WORD_SEED = 0x811c9dc5;
const CHAR_SEED = 0x01000193;

export function featurize(text: string, options: TextFeatureOptions = DEFAULT_TEXT_FEATURES): SparseVector {
  const mask = (1 << options.hashBits) - 1;
  const counts = new Map<number, number>();
  const words = tokenizeWords(text);

  const [minWord, maxWord] = options.wordNgrams;
  for (let length = minWord; length <= maxWord; length++) {
    for (let start = 0; start + length <= words.length; start++) {
      let hash = WORD_SEED;
      for (let offset = 0; offset < length; offset++) {
        if (offset > 0) hash = fnv1a32(' ', hash);
        hash = fnv1a32(words[start + offset] ?? '', hash);
      }
      add(counts, (hash >>> 0) & mask, 1);
    }
  }

  const [minChar, maxChar] = options.charNgrams;
  if (minChar > 0 && options.charWeight > 0) {
    for (const word of words) {
      const marked = `<${word}>`;
      for (let length = minChar; length <= maxChar; length++) {
        for (let start = 0; start + length <= marked.length; start++) {
          const hash = fnv1a32(marked.slice(start, start + length), CHAR_SEED);
          add(counts, (hash & mask) | 0, options.charWeight);
        }
      }
    }
  }

  return toNormalisedVector(counts);
}

function add(counts: Map<number, number>, index: number, weight: number): void {
  counts.set(index >>> 0, (counts.get(index >>> 0) ?? 0) + weight);
}

function toNormalisedVector(counts: Map<number, number>): SparseVector {
  const indices = Uint32Array.from(counts.keys()).sort();
  const values = new Float32Array(indices.length);
  let squares = 0;
  for (let position = 0; position < indices.length; position++) {
    // Sublinear tf: a word said five times is not five times the evidence.
    const value = Math.log1p(counts.get(indices[position] ?? 0) ?? 0);
    values[position] = value;
    squares += value * value;
  }
  const norm = Math.sqrt(squares);
  if (norm > 0) for (let position = 0; position < values.length; position++) values[position]! /= norm;
  return { indices, values };
}

/** Dot product of a sparse vector with a dense weight row starting at `offset`. */
export function sparseDot(vector: SparseVector, weights: Float32Array, offset = 0): number {
  let sum = 0;
  for (let position = 0; position < vector.indices.length; position++) {
    sum += (vector.values[position] ?? 0) * (weights[offset + (vector.indices[position] ?? 0)] ?? 0);
  }
  return sum;
}
