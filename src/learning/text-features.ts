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
const FNV_PRIME = 0x01000193;

export function featurize(text: string, options: TextFeatureOptions = DEFAULT_TEXT_FEATURES): SparseVector {
  const mask = (1 << options.hashBits) - 1;
  const counts = startCounting();
  const words = tokenizeWords(text);
  // Each word is hashed once; FNV-1a runs left to right, so an n-gram's hash continues its first
  // word's state with " " and the next words — the same value as hashing "w1 w2" whole.
  const wordHashes = hashEach(words);

  const [minWord, maxWord] = options.wordNgrams;
  for (let length = minWord; length <= maxWord; length++) {
    for (let start = 0; start + length <= words.length; start++) {
      let hash = wordHashes[start]!;
      for (let offset = 1; offset < length; offset++)
        hash = fnv1a32(words[start + offset]!, fnv1a32(' ', hash));
      counts.add((hash >>> 0) & mask, 1);
    }
  }

  const [minChar, maxChar] = options.charNgrams;
  const charWeight = options.charWeight;
  if (minChar > 0 && charWeight > 0) {
    for (const word of words) {
      const marked = `<${word}>`;
      // FNV-1a runs left to right, so extending one hash from each start yields every n-gram's hash
      // (the same as hashing each slice) without allocating the slices.
      for (let start = 0; start + minChar <= marked.length; start++) {
        const end = Math.min(marked.length, start + maxChar);
        let hash = CHAR_SEED;
        for (let position = start; position < end; position++) {
          hash = Math.imul(hash ^ marked.charCodeAt(position), FNV_PRIME);
          if (position - start + 1 >= minChar) counts.add((hash & mask) >>> 0, charWeight);
        }
      }
    }
  }

  return counts.toNormalisedVector();
}

let hashBuffer = new Uint32Array(256);

/** Every word's FNV-1a hash from WORD_SEED, in a buffer reused across calls (featurize is not re-entered). */
function hashEach(words: readonly string[]): Uint32Array {
  if (hashBuffer.length < words.length) hashBuffer = new Uint32Array(words.length * 2);
  for (let index = 0; index < words.length; index++) hashBuffer[index] = fnv1a32(words[index]!, WORD_SEED);
  return hashBuffer;
}

/**
 * Bucket → summed weight for one call of `featurize`: an open-addressing table reused across calls (a
 * Map per call cost more than the hashing). Safe because featurize is synchronous and never re-entered.
 */
class BucketCounts {
  private slotBits = 10;
  private keys = new Int32Array(1 << this.slotBits).fill(-1);
  private weights = new Float64Array(1 << this.slotBits);
  /** Occupied slots in insertion order: the only ones to clear for the next call. */
  private slots = new Uint32Array(1 << (this.slotBits - 1));
  private size = 0;

  reset(): void {
    for (let position = 0; position < this.size; position++) this.keys[this.slots[position] ?? 0] = -1;
    this.size = 0;
  }

  add(bucket: number, weight: number): void {
    const slot = this.slotOf(bucket);
    if (this.keys[slot] === bucket) {
      this.weights[slot]! += weight;
      return;
    }
    // Kept at most half full, so probes stay short.
    if (this.size === this.slots.length) {
      this.grow();
      this.add(bucket, weight);
      return;
    }
    this.keys[slot] = bucket;
    this.weights[slot] = weight;
    this.slots[this.size++] = slot;
  }

  toNormalisedVector(): SparseVector {
    const indices = new Uint32Array(this.size);
    for (let position = 0; position < this.size; position++)
      indices[position] = this.keys[this.slots[position] ?? 0] ?? 0;
    indices.sort();
    const values = new Float32Array(indices.length);
    let squares = 0;
    for (let position = 0; position < indices.length; position++) {
      // Sublinear tf: a word said five times is not five times the evidence.
      const value = Math.log1p(this.weights[this.slotOf(indices[position] ?? 0)] ?? 0);
      values[position] = value;
      squares += value * value;
    }
    const norm = Math.sqrt(squares);
    if (norm > 0) for (let position = 0; position < values.length; position++) values[position]! /= norm;
    return { indices, values };
  }

  /** The bucket's slot, or the empty slot where it belongs (linear probing from a multiplicative hash). */
  private slotOf(bucket: number): number {
    const slotMask = (1 << this.slotBits) - 1;
    let slot = Math.imul(bucket, 0x9e3779b1) >>> (32 - this.slotBits);
    while (this.keys[slot] !== -1 && this.keys[slot] !== bucket) slot = (slot + 1) & slotMask;
    return slot;
  }

  private grow(): void {
    const used = this.slots.subarray(0, this.size);
    const buckets = Uint32Array.from(used, (slot) => this.keys[slot] ?? 0);
    const weights = Float64Array.from(used, (slot) => this.weights[slot] ?? 0);
    this.slotBits++;
    this.keys = new Int32Array(1 << this.slotBits).fill(-1);
    this.weights = new Float64Array(1 << this.slotBits);
    this.slots = new Uint32Array(1 << (this.slotBits - 1));
    this.size = 0;
    buckets.forEach((bucket, position) => this.add(bucket, weights[position] ?? 0));
  }
}

const sharedCounts = new BucketCounts();

function startCounting(): BucketCounts {
  sharedCounts.reset();
  return sharedCounts;
}

/** Dot product of a sparse vector with a dense weight row starting at `offset`. */
export function sparseDot(vector: SparseVector, weights: Float32Array, offset = 0): number {
  let sum = 0;
  for (let position = 0; position < vector.indices.length; position++) {
    sum += (vector.values[position] ?? 0) * (weights[offset + (vector.indices[position] ?? 0)] ?? 0);
  }
  return sum;
}
