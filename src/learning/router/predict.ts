/**
 * Scoring with a learned-router artifact: load and check it once, then `predictQualities(router, text)`
 * per request — featurise the prompt, one sparse dot product per model over the decoded weights.
 */

import { readFile } from 'node:fs/promises';
import type { SparseVector } from '../text-features.ts';
import { TEXT_FEATURES_VERSION } from '../text-features.ts';
import {
  artifactFeatureOptions,
  decodeWeights,
  routerArtifactSchema,
  type RouterArtifact,
} from './artifact.ts';
import { describeReadFailure, InputError } from './input-error.ts';
import { sigmoid } from './linear-model.ts';
import { formatPath } from './read-outcomes.ts';
import { routerFeatures, type RouterFeatureOptions } from './router-features.ts';

export interface LearnedRouter {
  /** Candidate models, in the artifact's order. */
  readonly models: readonly string[];
  /** Mean USD per request of each model in the training rows: the policies' default costs. */
  readonly costs: Readonly<Record<string, number>>;
  readonly features: RouterFeatureOptions;
  readonly artifact: RouterArtifact;
  readonly rowOf: Int32Array;
  readonly weights: Float32Array;
  readonly biases: Float64Array;
}

/** Checks an artifact's JSON; `source` names it in errors (a file path). */
export function parseRouterArtifact(json: unknown, source: string): RouterArtifact {
  const parsed = routerArtifactSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(source, `not a learned-router artifact: ${issue?.message ?? 'invalid'}`, {
      field: issue === undefined ? '' : formatPath(issue.path),
    });
  }
  if (parsed.data.features.text_features_version !== TEXT_FEATURES_VERSION) {
    throw new InputError(
      source,
      `trained with text features v${parsed.data.features.text_features_version}, this build computes v${TEXT_FEATURES_VERSION}: retrain the router`,
      { field: 'features.text_features_version' },
    );
  }
  return parsed.data;
}

export function compileRouter(artifact: RouterArtifact, source = 'router artifact'): LearnedRouter {
  let decoded;
  try {
    decoded = decodeWeights(artifact);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new InputError(source, error.message, { field: 'weights' });
  }
  const costs: Record<string, number> = {};
  for (const model of artifact.models) costs[model.id] = model.mean_cost_usd;
  return {
    models: artifact.models.map((model) => model.id),
    costs,
    features: artifactFeatureOptions(artifact),
    artifact,
    rowOf: decoded.rowOf,
    weights: decoded.values,
    biases: Float64Array.from(artifact.models, (model) => model.bias),
  };
}

export async function loadRouter(path: string): Promise<LearnedRouter> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(path, `cannot read: ${describeReadFailure(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError(path, `not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  return compileRouter(parseRouterArtifact(json, path), path);
}

/** Predicted quality of every candidate model for a prompt's text (see `promptTextFromMessages`). */
export function predictQualities(router: LearnedRouter, text: string): Record<string, number> {
  const scores = predictFromFeatures(router, routerFeatures(text, router.features));
  const predicted: Record<string, number> = {};
  for (const [output, model] of router.models.entries()) predicted[model] = scores[output]!;
  return predicted;
}

/** The same for an already featurised prompt, as an array in `router.models` order. */
export function predictFromFeatures(
  router: LearnedRouter,
  vector: SparseVector,
  into: Float64Array = new Float64Array(router.models.length),
): Float64Array {
  const outputs = router.models.length;
  into.set(router.biases);
  for (let entry = 0; entry < vector.indices.length; entry++) {
    const row = router.rowOf[vector.indices[entry]!] ?? -1;
    if (row < 0) continue;
    const base = row * outputs;
    const value = vector.values[entry]!;
    for (let output = 0; output < outputs; output++)
      into[output] = into[output]! + value * router.weights[base + output]!;
  }
  for (const [output, model] of router.artifact.models.entries()) {
    into[output] =
      model.link === 'logistic' ? sigmoid(into[output]!) : model.offset + model.scale * into[output]!;
  }
  return into;
}
