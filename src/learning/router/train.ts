/**
 * Training the learned router: outcome records → per-model quality predictors → an artifact. Every
 * candidate model gets a linear model over the prompt's features (logistic when its qualities lie in
 * [0, 1], least squares otherwise), fitted only on the rows where that model has an outcome. Costs are
 * not learned per prompt: the artifact keeps each model's mean recorded cost, which the policies use
 * unless the gateway supplies its own estimate (prices × tokens).
 */

import { DEFAULT_TEXT_FEATURES, type SparseVector } from '../text-features.ts';
import { buildArtifact, type ModelSummary, type RouterArtifact } from './artifact.ts';
import {
  fitMultiLinear,
  type LinearFitOptions,
  type MultiLinearModel,
  type OutputLink,
} from './linear-model.ts';
import { promptText, type OutcomeRecord } from './outcomes.ts';
import { featureDimension, routerFeatures, type RouterFeatureOptions } from './router-features.ts';

/**
 * Word unigrams and bigrams in both blocks. Character n-grams in the last-paragraph block changed the
 * cross-validated loss by under 0.1 % on RouterBench while doubling featurisation time, so they are off.
 */
export const DEFAULT_ROUTER_FEATURES: RouterFeatureOptions = {
  whole: { ...DEFAULT_TEXT_FEATURES, charNgrams: [0, 0] },
  wholeWeight: 1,
  tail: { ...DEFAULT_TEXT_FEATURES, charNgrams: [0, 0] },
  tailWeight: 1,
  // A question rarely runs longer; a pasted document's end says little more than its last 2,000 chars.
  tailMaxChars: 2000,
  shapeWeight: 1,
};

/**
 * Chosen by 5-fold cross-validation on RouterBench's train split (docs/benchmarks.md): out-of-fold loss
 * is flat for l2 from 10⁻⁴ to 10⁻³ and rises beyond; a step of 0.5 or more overshoots; 20 epochs settle.
 */
export const DEFAULT_FIT: LinearFitOptions = {
  l2: 1e-3,
  epochs: 20,
  learningRate: 0.1,
  seed: 1,
};

export interface RouterTrainingOptions {
  /** Candidate models (default: every model in the data, sorted). */
  readonly models?: readonly string[];
  readonly features?: RouterFeatureOptions;
  readonly fit?: LinearFitOptions;
}

/** Rows as the learner sees them: feature vectors and a row × model table of qualities (NaN = none). */
export interface TrainingSet {
  readonly models: readonly string[];
  readonly vectors: readonly SparseVector[];
  readonly qualities: Float64Array;
  readonly costs: Float64Array;
  readonly dimension: number;
}

export class TrainingError extends Error {
  override readonly name = 'TrainingError';
}

/** Every model named in the records, sorted so the artifact does not depend on row order. */
export function modelsInRecords(records: readonly OutcomeRecord[]): string[] {
  const models = new Set<string>();
  for (const record of records) for (const model of Object.keys(record.outcomes)) models.add(model);
  return [...models].sort();
}

export function buildTrainingSet(
  records: readonly OutcomeRecord[],
  models: readonly string[],
  features: RouterFeatureOptions,
): TrainingSet {
  const qualities = new Float64Array(records.length * models.length).fill(Number.NaN);
  const costs = new Float64Array(records.length * models.length).fill(Number.NaN);
  const vectors: SparseVector[] = [];
  for (const [row, record] of records.entries()) {
    vectors.push(routerFeatures(promptText(record), features));
    for (const [output, model] of models.entries()) {
      const outcome = record.outcomes[model];
      if (outcome === undefined) continue;
      qualities[row * models.length + output] = outcome.quality;
      costs[row * models.length + output] = outcome.cost;
    }
  }
  return { models, vectors, qualities, costs, dimension: featureDimension(features) };
}

/** Logistic for a model whose every quality is within [0, 1], else least squares. */
export function chooseLinks(set: TrainingSet): OutputLink[] {
  return set.models.map((_, output) => {
    for (let index = output; index < set.qualities.length; index += set.models.length) {
      const quality = set.qualities[index]!;
      if (!Number.isNaN(quality) && (quality < 0 || quality > 1)) return 'identity';
    }
    return 'logistic';
  });
}

export function fitTrainingSet(
  set: TrainingSet,
  fit: LinearFitOptions,
  rows?: readonly number[],
): MultiLinearModel {
  const chosen = rows ?? [...set.vectors.keys()];
  const outputs = set.models.length;
  const targets = new Float64Array(chosen.length * outputs);
  for (const [position, row] of chosen.entries()) {
    targets.set(set.qualities.subarray(row * outputs, (row + 1) * outputs), position * outputs);
  }
  const vectors = chosen.map((row) => set.vectors[row]!);
  return fitMultiLinear(vectors, targets, set.dimension, chooseLinks(set), fit);
}

export function summariseModels(set: TrainingSet): ModelSummary[] {
  return set.models.map((id, output) => {
    let rows = 0;
    let cost = 0;
    let quality = 0;
    for (let index = output; index < set.qualities.length; index += set.models.length) {
      if (Number.isNaN(set.qualities[index]!)) continue;
      rows++;
      cost += set.costs[index]!;
      quality += set.qualities[index]!;
    }
    return {
      id,
      meanCostUsd: rows === 0 ? 0 : cost / rows,
      meanQuality: rows === 0 ? 0 : quality / rows,
      trainingRows: rows,
    };
  });
}

export function trainRouter(
  records: readonly OutcomeRecord[],
  options: RouterTrainingOptions = {},
  extraTrainingInfo: Readonly<Record<string, unknown>> = {},
): RouterArtifact {
  const features = options.features ?? DEFAULT_ROUTER_FEATURES;
  const models = options.models ?? modelsInRecords(records);
  if (models.length === 0) throw new TrainingError('no models to train: the records name none');
  return trainRouterOnSet(
    buildTrainingSet(records, models, features),
    features,
    options.fit ?? DEFAULT_FIT,
    extraTrainingInfo,
  );
}

/** Fits every model on an already featurised set and packs the artifact. */
export function trainRouterOnSet(
  set: TrainingSet,
  features: RouterFeatureOptions,
  fit: LinearFitOptions,
  extraTrainingInfo: Readonly<Record<string, unknown>> = {},
): RouterArtifact {
  const summaries = summariseModels(set);
  const missing = summaries.filter((summary) => summary.trainingRows === 0).map((summary) => summary.id);
  if (missing.length > 0) throw new TrainingError(`no outcomes in the data for: ${missing.join(', ')}`);
  const fitted = fitTrainingSet(set, fit);
  return buildArtifact(features, summaries, fitted, {
    rows: set.vectors.length,
    l2: fit.l2,
    epochs: fit.epochs,
    learning_rate: fit.learningRate,
    seed: fit.seed,
    embeddings: false,
    ...extraTrainingInfo,
  });
}
