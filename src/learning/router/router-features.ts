/**
 * Prompt → the sparse vector the learned router scores. Three blocks side by side in one index space:
 *
 * - the whole prompt's hashed text features (what kind of task this is: its format, instructions,
 *   few-shot examples);
 * - the same features of its last paragraph alone (what is being asked now). In a long prompt the shared
 *   preamble outweighs the question in a normalised vector; a block of its own lets the question count;
 * - a few dense shape features (length, lines, digits, code punctuation), squashed to about [0, 1].
 *
 * Each text block is L2-normalised by `featurize` and then scaled by its weight. The blocks have their
 * own options: the whole prompt is long, so word n-grams alone keep it cheap to featurise; the last
 * paragraph is short, so character n-grams (robust to spelling and morphology) cost little there.
 */

import { featurize, type SparseVector, type TextFeatureOptions } from '../text-features.ts';

export interface RouterFeatureOptions {
  readonly whole: TextFeatureOptions;
  /** Weight of the whole-prompt block; 0 leaves it out. */
  readonly wholeWeight: number;
  readonly tail: TextFeatureOptions;
  /** Weight of the last-paragraph block; 0 leaves it out. */
  readonly tailWeight: number;
  /** Only the last this many characters of the last paragraph are read (bounds the cost of a long one). */
  readonly tailMaxChars: number;
  /** Weight of the dense shape features; 0 leaves them out. */
  readonly shapeWeight: number;
}

export const SHAPE_FEATURE_COUNT = 6;

/** Index space: [whole block | tail block | shape features]. */
export function featureDimension(options: RouterFeatureOptions): number {
  return 2 ** options.whole.hashBits + 2 ** options.tail.hashBits + SHAPE_FEATURE_COUNT;
}

/** The text after the last blank line, ignoring trailing blank lines ("the question"), at most `maxChars`. */
export function lastParagraph(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  const trimmed = text.trimEnd();
  // Only the end of the text can hold the last paragraph: never split more than that.
  const window = trimmed.length > maxChars + 2 ? trimmed.slice(-(maxChars + 2)) : trimmed;
  const paragraphs = window.split(/\n[ \t\r]*\n/);
  const last = (paragraphs[paragraphs.length - 1] ?? '').trim();
  return last.length > maxChars ? last.slice(-maxChars) : last;
}

export function routerFeatures(text: string, options: RouterFeatureOptions): SparseVector {
  const tailStart = 2 ** options.whole.hashBits;
  const shapeStart = tailStart + 2 ** options.tail.hashBits;
  const whole = options.wholeWeight > 0 ? featurize(text, options.whole) : undefined;
  const tail =
    options.tailWeight > 0 ? featurize(lastParagraph(text, options.tailMaxChars), options.tail) : undefined;
  const shape = options.shapeWeight > 0 ? shapeFeatures(text) : undefined;

  const length = (whole?.indices.length ?? 0) + (tail?.indices.length ?? 0) + (shape?.length ?? 0);
  const indices = new Uint32Array(length);
  const values = new Float32Array(length);
  let position = 0;
  if (whole !== undefined) {
    for (let entry = 0; entry < whole.indices.length; entry++, position++) {
      indices[position] = whole.indices[entry] ?? 0;
      values[position] = (whole.values[entry] ?? 0) * options.wholeWeight;
    }
  }
  if (tail !== undefined) {
    for (let entry = 0; entry < tail.indices.length; entry++, position++) {
      indices[position] = tailStart + (tail.indices[entry] ?? 0);
      values[position] = (tail.values[entry] ?? 0) * options.tailWeight;
    }
  }
  if (shape !== undefined) {
    for (let entry = 0; entry < shape.length; entry++, position++) {
      indices[position] = shapeStart + entry;
      values[position] = (shape[entry] ?? 0) * options.shapeWeight;
    }
  }
  return { indices, values };
}

/** Coarse shape of the text, each squashed into about [0, 1] so no feature dominates the step size. */
function shapeFeatures(text: string): number[] {
  const characters = Math.max(text.length, 1);
  let lines = 1;
  let digits = 0;
  let codePunctuation = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 10) lines++;
    else if (code >= 48 && code <= 57) digits++;
    // ( ) ; = { } [ ] < > _ : code-like punctuation.
    else if (code === 40 || code === 41 || code === 59 || code === 61 || code === 123 || code === 125)
      codePunctuation++;
    else if (code === 91 || code === 93 || code === 60 || code === 62 || code === 95 || code === 58)
      codePunctuation++;
  }
  const lastLength = lastParagraph(text, 100_000).length;
  return [
    Math.log1p(text.length) / 10,
    Math.log1p(lines) / 6,
    Math.log1p(lastLength) / 10,
    Math.min(1, (10 * digits) / characters),
    Math.min(1, (10 * codePunctuation) / characters),
    text.includes('?') ? 1 : 0,
  ];
}
