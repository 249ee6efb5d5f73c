/**
 * One linear model per output (per candidate model of the router) over shared sparse features, fitted
 * together in one pass per epoch by stochastic gradient descent with L2 regularisation.
 *
 * - `logistic` outputs (quality within [0, 1]: correctness, win probabilities, normalised scores) minimise
 *   cross-entropy against the quality as a soft label; `identity` outputs minimise squared error of the
 *   standardised quality.
 * - Deterministic: the row order of each epoch comes from a seeded shuffle, so one data set and one set
 *   of options give the same weights on every machine.
 * - Weights are stored interleaved (feature-major: all outputs of feature i side by side), so a row's
 *   features are read once for every output, in training and in prediction alike.
 * - The L2 shrink is applied lazily through one scale factor per output (w = scale · v), so a step costs
 *   the row's non-zeros, not the dimension.
 */

import type { SparseVector } from '../text-features.ts';

export type OutputLink = 'logistic' | 'identity';

export interface LinearFitOptions {
  /** L2 strength per example (the objective is mean loss + l2/2 · |w|²). */
  readonly l2: number;
  readonly epochs: number;
  /** Step size at the start; it decays as 1 / (1 + epoch). */
  readonly learningRate: number;
  readonly seed: number;
}

export interface OutputScaling {
  readonly link: OutputLink;
  /** identity outputs predict `offset + scale · z`; logistic ones `σ(z)` (offset 0, scale 1). */
  readonly offset: number;
  readonly scale: number;
}

export interface MultiLinearModel {
  readonly outputs: number;
  readonly dimension: number;
  /** `dimension × outputs`, feature-major. */
  readonly weights: Float32Array;
  readonly biases: Float64Array;
  readonly scaling: readonly OutputScaling[];
}

/**
 * `targets[row * outputs + output]` is the quality, NaN where that output has no outcome for the row.
 * `links[output]` says how each output is fitted.
 */
export function fitMultiLinear(
  rows: readonly SparseVector[],
  targets: Float64Array,
  dimension: number,
  links: readonly OutputLink[],
  options: LinearFitOptions,
): MultiLinearModel {
  // Each step shrinks the weights by (1 − step · l2): at 1 or more they would flip sign or vanish.
  if (!(options.learningRate * options.l2 < 1)) throw new RangeError('learningRate × l2 must be below 1');
  const outputs = links.length;
  const scaling = links.map((link, output) => outputScaling(link, targets, output, outputs));
  const weights = new Float64Array(dimension * outputs);
  const scales = new Float64Array(outputs).fill(1);
  const biases = new Float64Array(outputs);
  const counts = new Float64Array(outputs);
  for (let output = 0; output < outputs; output++) {
    // Start each bias at the output's mean, so early steps learn deviations, not the base rate.
    let sum = 0;
    for (let row = 0; row < rows.length; row++) {
      const target = targets[row * outputs + output] ?? Number.NaN;
      if (Number.isNaN(target)) continue;
      sum += standardise(target, scaling[output]!);
      counts[output]!++;
    }
    const mean = counts[output]! > 0 ? sum / counts[output]! : 0;
    biases[output] = links[output] === 'logistic' ? logit(mean) : mean;
  }

  const order = Uint32Array.from(rows.keys());
  const random = seededRandom(options.seed);
  const gradients = new Float64Array(outputs);
  const scoreBuffer = new Float64Array(outputs);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffle(order, random);
    const step = options.learningRate / (1 + epoch);
    const shrink = 1 - step * options.l2;
    for (const row of order) {
      const vector = rows[row]!;
      const scores = scoreInto(vector, weights, scales, biases, outputs, scoreBuffer);
      for (let output = 0; output < outputs; output++) {
        const target = targets[row * outputs + output] ?? Number.NaN;
        if (Number.isNaN(target)) {
          gradients[output] = 0;
          continue;
        }
        const label = standardise(target, scaling[output]!);
        const score = scores[output]!;
        gradients[output] = links[output] === 'logistic' ? sigmoid(score) - label : score - label;
        biases[output] = biases[output]! - step * gradients[output]!;
        scales[output] = scales[output]! * shrink;
      }
      for (let entry = 0; entry < vector.indices.length; entry++) {
        const base = vector.indices[entry]! * outputs;
        const value = vector.values[entry]!;
        for (let output = 0; output < outputs; output++) {
          const gradient = gradients[output]!;
          if (gradient !== 0)
            weights[base + output] = weights[base + output]! - (step * gradient * value) / scales[output]!;
        }
      }
      for (let output = 0; output < outputs; output++) {
        if (scales[output]! < 1e-6) rescale(weights, scales, output, outputs);
      }
    }
  }
  for (let output = 0; output < outputs; output++) rescale(weights, scales, output, outputs);
  return { outputs, dimension, weights: Float32Array.from(weights), biases, scaling };
}

/** Each output's prediction (quality on the original scale) for one feature vector, written into `into`. */
export function predictMultiLinear(
  model: MultiLinearModel,
  vector: SparseVector,
  into: Float64Array = new Float64Array(model.outputs),
): Float64Array {
  const { outputs, weights } = model;
  into.set(model.biases);
  for (let entry = 0; entry < vector.indices.length; entry++) {
    const index = vector.indices[entry]!;
    if (index >= model.dimension) continue;
    const base = index * outputs;
    const value = vector.values[entry]!;
    for (let output = 0; output < outputs; output++)
      into[output] = into[output]! + value * weights[base + output]!;
  }
  for (let output = 0; output < outputs; output++) {
    const scaling = model.scaling[output]!;
    into[output] =
      scaling.link === 'logistic' ? sigmoid(into[output]!) : scaling.offset + scaling.scale * into[output]!;
  }
  return into;
}

function scoreInto(
  vector: SparseVector,
  weights: Float64Array,
  scales: Float64Array,
  biases: Float64Array,
  outputs: number,
  scores: Float64Array,
): Float64Array {
  scores.fill(0);
  for (let entry = 0; entry < vector.indices.length; entry++) {
    const base = vector.indices[entry]! * outputs;
    const value = vector.values[entry]!;
    for (let output = 0; output < outputs; output++)
      scores[output] = scores[output]! + value * weights[base + output]!;
  }
  for (let output = 0; output < outputs; output++)
    scores[output] = scores[output]! * scales[output]! + biases[output]!;
  return scores;
}

function rescale(weights: Float64Array, scales: Float64Array, output: number, outputs: number): void {
  const scale = scales[output]!;
  if (scale === 1) return;
  for (let index = output; index < weights.length; index += outputs) weights[index] = weights[index]! * scale;
  scales[output] = 1;
}

function outputScaling(
  link: OutputLink,
  targets: Float64Array,
  output: number,
  outputs: number,
): OutputScaling {
  if (link === 'logistic') return { link, offset: 0, scale: 1 };
  let count = 0;
  let sum = 0;
  let squares = 0;
  for (let index = output; index < targets.length; index += outputs) {
    const target = targets[index]!;
    if (Number.isNaN(target)) continue;
    count++;
    sum += target;
    squares += target * target;
  }
  const mean = count > 0 ? sum / count : 0;
  const deviation = count > 1 ? Math.sqrt(Math.max(squares / count - mean * mean, 0)) : 0;
  return { link, offset: mean, scale: deviation > 0 ? deviation : 1 };
}

function standardise(target: number, scaling: OutputScaling): number {
  return scaling.link === 'logistic' ? target : (target - scaling.offset) / scaling.scale;
}

export function sigmoid(score: number): number {
  return score >= 0 ? 1 / (1 + Math.exp(-score)) : Math.exp(score) / (1 + Math.exp(score));
}

function logit(probability: number): number {
  const clamped = Math.min(Math.max(probability, 1e-4), 1 - 1e-4);
  return Math.log(clamped / (1 - clamped));
}

/** mulberry32: a small, well-mixed 32-bit generator; fixed seeds make training reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(order: Uint32Array, random: () => number): void {
  for (let index = order.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    const held = order[index]!;
    order[index] = order[other]!;
    order[other] = held;
  }
}
