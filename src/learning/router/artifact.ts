/**
 * The learned router's artifact: one versioned JSON file holding everything needed to score a prompt —
 * the feature options it was trained with, the candidate models (link, bias, mean cost and quality), and
 * the weights. Weights are compact: only features seen in training are kept, their indices as
 * delta-encoded little-endian uint32 and their values as int16 with one scale per model, both base64.
 * Quantising to int16 moves a prediction by well under 10⁻³.
 */

import { z } from 'zod';
import { TEXT_FEATURES_VERSION, type TextFeatureOptions } from '../text-features.ts';
import type { MultiLinearModel } from './linear-model.ts';
import type { RouterFeatureOptions } from './router-features.ts';

export const ROUTER_ARTIFACT_FORMAT = 'switchyard-learned-router';
export const ROUTER_ARTIFACT_VERSION = 1;

const modelEntry = z.object({
  id: z.string().min(1),
  link: z.enum(['logistic', 'identity']),
  /** identity models predict offset + scale · score; logistic ones σ(score). */
  offset: z.number(),
  scale: z.number().positive(),
  bias: z.number(),
  /** Mean USD per request in the training rows: the default cost the policies use. */
  mean_cost_usd: z.number().nonnegative(),
  mean_quality: z.number(),
  training_rows: z.number().int().nonnegative(),
});

/** `TextFeatureOptions` as stored, plus the block's weight. */
const textBlock = z.object({
  hashBits: z.number().int().min(4).max(24),
  wordNgrams: z.tuple([z.number().int().min(1), z.number().int().min(1)]),
  charNgrams: z.tuple([z.number().int().min(0), z.number().int().min(0)]),
  charWeight: z.number().nonnegative(),
  weight: z.number().nonnegative(),
});

export const routerArtifactSchema = z.object({
  format: z.literal(ROUTER_ARTIFACT_FORMAT),
  version: z.literal(ROUTER_ARTIFACT_VERSION),
  features: z.object({
    text_features_version: z.number().int(),
    whole: textBlock,
    tail: textBlock.extend({ max_chars: z.number().int().positive() }),
    shape_weight: z.number().nonnegative(),
  }),
  models: z.array(modelEntry).min(1),
  weights: z.object({
    encoding: z.literal('int16-base64'),
    dimension: z.number().int().positive(),
    features: z.number().int().nonnegative(),
    indices: z.string(),
    /** Per model: the int16 step. */
    scales: z.array(z.number().nonnegative()),
    values: z.string(),
  }),
  training: z.record(z.string(), z.unknown()),
});

export type RouterArtifact = z.infer<typeof routerArtifactSchema>;

export interface ModelSummary {
  readonly id: string;
  readonly meanCostUsd: number;
  readonly meanQuality: number;
  readonly trainingRows: number;
}

export function buildArtifact(
  features: RouterFeatureOptions,
  models: readonly ModelSummary[],
  fitted: MultiLinearModel,
  training: Readonly<Record<string, unknown>>,
): RouterArtifact {
  const { outputs, weights, dimension } = fitted;
  const scales = Array.from({ length: outputs }, (_, output) => {
    let largest = 0;
    for (let index = output; index < weights.length; index += outputs)
      largest = Math.max(largest, Math.abs(weights[index]!));
    return largest / 32767;
  });
  // Features whose every weight rounds to 0 (never seen in training, or negligible) are not stored.
  const used: number[] = [];
  for (let feature = 0; feature < dimension; feature++) {
    for (let output = 0; output < outputs; output++) {
      const scale = scales[output]!;
      if (scale > 0 && Math.round(weights[feature * outputs + output]! / scale) !== 0) {
        used.push(feature);
        break;
      }
    }
  }
  const indexBytes = new DataView(new ArrayBuffer(used.length * 4));
  const valueBytes = new DataView(new ArrayBuffer(used.length * outputs * 2));
  let previous = 0;
  for (const [position, feature] of used.entries()) {
    indexBytes.setUint32(position * 4, feature - previous, true);
    previous = feature;
    for (let output = 0; output < outputs; output++) {
      const scale = scales[output]!;
      const quantised = scale === 0 ? 0 : Math.round(weights[feature * outputs + output]! / scale);
      valueBytes.setInt16((position * outputs + output) * 2, quantised, true);
    }
  }
  return {
    format: ROUTER_ARTIFACT_FORMAT,
    version: ROUTER_ARTIFACT_VERSION,
    features: {
      text_features_version: TEXT_FEATURES_VERSION,
      whole: storedBlock(features.whole, features.wholeWeight),
      tail: { ...storedBlock(features.tail, features.tailWeight), max_chars: features.tailMaxChars },
      shape_weight: features.shapeWeight,
    },
    models: models.map((model, output) => ({
      id: model.id,
      link: fitted.scaling[output]!.link,
      offset: fitted.scaling[output]!.offset,
      scale: fitted.scaling[output]!.scale,
      bias: fitted.biases[output]!,
      mean_cost_usd: model.meanCostUsd,
      mean_quality: model.meanQuality,
      training_rows: model.trainingRows,
    })),
    weights: {
      encoding: 'int16-base64',
      dimension,
      features: used.length,
      indices: Buffer.from(indexBytes.buffer).toString('base64'),
      scales,
      values: Buffer.from(valueBytes.buffer).toString('base64'),
    },
    training: { ...training },
  };
}

function storedBlock(options: TextFeatureOptions, weight: number): z.infer<typeof textBlock> {
  return {
    hashBits: options.hashBits,
    wordNgrams: [...options.wordNgrams],
    charNgrams: [...options.charNgrams],
    charWeight: options.charWeight,
    weight,
  };
}

function textOptions(block: z.infer<typeof textBlock>): TextFeatureOptions {
  return {
    hashBits: block.hashBits,
    wordNgrams: block.wordNgrams,
    charNgrams: block.charNgrams,
    charWeight: block.charWeight,
  };
}

export function artifactFeatureOptions(artifact: RouterArtifact): RouterFeatureOptions {
  const { whole, tail } = artifact.features;
  return {
    whole: textOptions(whole),
    wholeWeight: whole.weight,
    tail: textOptions(tail),
    tailWeight: tail.weight,
    tailMaxChars: tail.max_chars,
    shapeWeight: artifact.features.shape_weight,
  };
}

/** Decoded weights: which features are present (`rowOf`, −1 if absent) and their rows of per-model values. */
export interface DecodedWeights {
  readonly rowOf: Int32Array;
  readonly values: Float32Array;
}

export function decodeWeights(artifact: RouterArtifact): DecodedWeights {
  const { weights } = artifact;
  const outputs = artifact.models.length;
  if (weights.scales.length !== outputs) {
    throw new RangeError(`weights.scales has ${weights.scales.length} entries for ${outputs} models`);
  }
  const indexBuffer = Buffer.from(weights.indices, 'base64');
  const valueBuffer = Buffer.from(weights.values, 'base64');
  if (indexBuffer.length !== weights.features * 4 || valueBuffer.length !== weights.features * outputs * 2) {
    throw new RangeError(
      'weights.indices or weights.values do not match weights.features and the model count',
    );
  }
  const indexView = new DataView(indexBuffer.buffer, indexBuffer.byteOffset, indexBuffer.length);
  const valueView = new DataView(valueBuffer.buffer, valueBuffer.byteOffset, valueBuffer.length);
  const rowOf = new Int32Array(weights.dimension).fill(-1);
  const values = new Float32Array(weights.features * outputs);
  let feature = 0;
  for (let row = 0; row < weights.features; row++) {
    feature += indexView.getUint32(row * 4, true);
    if (feature >= weights.dimension)
      throw new RangeError(`weights.indices: feature ${feature} beyond the dimension`);
    rowOf[feature] = row;
    for (let output = 0; output < outputs; output++) {
      values[row * outputs + output] =
        valueView.getInt16((row * outputs + output) * 2, true) * weights.scales[output]!;
    }
  }
  return { rowOf, values };
}
