/**
 * Intent by nearest centroid over embeddings, for users who want more accuracy than the in-process
 * classifier and accept a network call: each intent's examples are embedded once (at startup), averaged
 * into a unit-length centroid, and a request's text goes to the intent whose centroid is most similar
 * (cosine). The similarity is the confidence; below the calibrated threshold the answer is `oos`.
 * Embeddings of recent texts are cached, so a repeated prompt costs no call.
 */

import { OUT_OF_SCOPE_LABEL as OUT_OF_SCOPE, type LabelledText } from './intent/training-data.ts';

export { OUT_OF_SCOPE };

/** Embeds texts in order; the classifier batches examples and embeds one request text at a time. */
export type EmbedTexts = (texts: readonly string[]) => Promise<readonly Float32Array[]>;

export interface EmbeddingClassifierOptions {
  /** Override the calibrated threshold: similarities below it are `oos`. */
  readonly minConfidence?: number;
  /** Texts whose embedding is kept (LRU). */
  readonly cacheSize?: number;
}

/** Default LRU size: a day of a busy route's distinct prompts is far more, but repeats cluster. */
const DEFAULT_CACHE_SIZE = 10_000;
/** Texts per embeddings call when embedding the examples. */
const EMBED_BATCH = 64;
/** Up to this many in-scope examples, each is held back in turn when calibrating. */
const LEAVE_ONE_OUT_LIMIT = 300;
/** Share of in-scope held-back examples the calibrated threshold lets through. */
const IN_SCOPE_KEPT = 0.95;

export interface EmbeddingClassification {
  readonly label: string;
  readonly confidence: number;
}

export interface EmbeddingIntentClassifier {
  classify(text: string): Promise<EmbeddingClassification>;
  readonly labels: readonly string[];
  readonly threshold: number;
}

export async function trainEmbeddingClassifier(
  rows: readonly LabelledText[],
  embed: EmbedTexts,
  options: EmbeddingClassifierOptions = {},
): Promise<EmbeddingIntentClassifier> {
  const vectors: Float32Array[] = [];
  for (let start = 0; start < rows.length; start += EMBED_BATCH) {
    const batch = rows.slice(start, start + EMBED_BATCH).map((row) => row.text);
    vectors.push(...(await embed(batch)).map(unit));
  }
  const examples = rows.map((row, index) => ({
    label: row.label,
    vector: vectors[index] ?? new Float32Array(),
  }));
  const inScope = examples.filter((example) => example.label !== OUT_OF_SCOPE);
  if (inScope.length === 0) throw new Error('the embedding classifier needs examples of at least one intent');
  const centroids = centroidsOf(inScope);
  const threshold = options.minConfidence ?? calibrate(examples);

  const cache = new Map<string, EmbeddingClassification>();
  const cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
  return {
    labels: [...centroids.keys()],
    threshold,
    async classify(text) {
      const cached = cache.get(text);
      if (cached !== undefined) {
        // Refresh its place: a Map iterates in insertion order, so the oldest entry is first.
        cache.delete(text);
        cache.set(text, cached);
        return cached;
      }
      const [vector] = await embed([text]);
      const { label, similarity } = nearest(centroids, unit(vector ?? new Float32Array()));
      const confidence = Math.max(0, similarity);
      const result = { label: confidence < threshold ? OUT_OF_SCOPE : label, confidence };
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value ?? '');
      cache.set(text, result);
      return result;
    },
  };
}

function centroidsOf(
  examples: readonly { label: string; vector: Float32Array }[],
): Map<string, Float32Array> {
  const sums = new Map<string, Float32Array>();
  for (const { label, vector } of examples) {
    let sum = sums.get(label);
    if (sum === undefined) sums.set(label, (sum = new Float32Array(vector.length)));
    for (let index = 0; index < vector.length; index++) sum[index]! += vector[index] ?? 0;
  }
  for (const [label, sum] of sums) sums.set(label, unit(sum));
  return sums;
}

function nearest(
  centroids: ReadonlyMap<string, Float32Array>,
  vector: Float32Array,
): { label: string; similarity: number } {
  let best = { label: OUT_OF_SCOPE, similarity: -Infinity };
  for (const [label, centroid] of centroids) {
    const similarity = dot(centroid, vector);
    if (similarity > best.similarity) best = { label, similarity };
  }
  return best;
}

/**
 * The similarity threshold, from in-scope examples held back from the centroids (each in turn for small
 * sets, every fifth for large ones): with out-of-scope examples, the cut that best separates them from
 * the held-back in-scope ones (balanced accuracy); without, the cut that keeps 95 % of in-scope ones.
 * Fewer than five held-back scores: 0 (nothing is out of scope).
 */
function calibrate(examples: readonly { label: string; vector: Float32Array }[]): number {
  const inScope = examples.filter((example) => example.label !== OUT_OF_SCOPE);
  const outOfScope = examples.filter((example) => example.label === OUT_OF_SCOPE);
  const inScopeScores: number[] = [];
  if (inScope.length <= LEAVE_ONE_OUT_LIMIT) {
    for (const [index, target] of inScope.entries()) {
      const others = inScope.filter((_, other) => other !== index);
      if (others.some((other) => other.label === target.label))
        inScopeScores.push(nearest(centroidsOf(others), target.vector).similarity);
    }
  } else {
    const heldBack = inScope.filter((_, index) => index % 5 === 0);
    const centroids = centroidsOf(inScope.filter((_, index) => index % 5 !== 0));
    for (const target of heldBack) inScopeScores.push(nearest(centroids, target.vector).similarity);
  }
  if (inScopeScores.length < 5) return 0;
  const sorted = [...inScopeScores].sort((a, b) => a - b);
  if (outOfScope.length === 0) return sorted[Math.floor((1 - IN_SCOPE_KEPT) * sorted.length)] ?? 0;
  const centroids = centroidsOf(inScope);
  const oosScores = outOfScope.map((example) => nearest(centroids, example.vector).similarity);
  let best = { threshold: 0, score: -Infinity };
  for (const threshold of [...sorted, ...oosScores]) {
    const kept = inScopeScores.filter((score) => score >= threshold).length / inScopeScores.length;
    const caught = oosScores.filter((score) => score < threshold).length / oosScores.length;
    if ((kept + caught) / 2 > best.score) best = { threshold, score: (kept + caught) / 2 };
  }
  return best.threshold;
}

function dot(left: Float32Array, right: Float32Array): number {
  let sum = 0;
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) sum += (left[index] ?? 0) * (right[index] ?? 0);
  return sum;
}

function unit(vector: Float32Array): Float32Array {
  const norm = Math.sqrt(dot(vector, vector));
  if (norm === 0) return vector;
  const scaled = new Float32Array(vector.length);
  for (let index = 0; index < vector.length; index++) scaled[index] = (vector[index] ?? 0) / norm;
  return scaled;
}
