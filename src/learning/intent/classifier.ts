/**
 * The trained intent classifier at inference time: text → hashed features → margins from the quantised
 * feature-major weights (only the text's own buckets' rows are read) → calibrated confidence → the
 * intent, or `oos` below the threshold. Allocation per call is the feature vector and the answer.
 */

import { writeOutputFile } from '../../core/output-file.ts';
import { featurize } from '../text-features.ts';
import { decodeArtifact, textFeaturesOf, type IntentClassifierArtifact } from './artifact.ts';
import { scoreMargins, type IntentScore } from './calibration.ts';
import { createMarginScorer } from './quantised-model.ts';
import { IntentInputError, OUT_OF_SCOPE_LABEL, readTextFile } from './training-data.ts';

export interface IntentPrediction {
  /** An intent, or `oos`. */
  readonly label: string;
  /**
   * The probability of the answer: the intent's calibrated probability, or for `oos` one minus the best
   * intent's probability.
   */
  readonly confidence: number;
}

export interface IntentClassifier {
  /** The in-scope intents, in the model's order (without `oos`). */
  readonly intents: readonly string[];
  /** Below this confidence the best intent gives way to `oos`. */
  readonly threshold: number;
  classify(text: string): IntentPrediction;
  /** The best intent and its probability before the threshold (for evaluation at other thresholds). */
  score(text: string): IntentScoreWithLabel;
  readonly artifact: IntentClassifierArtifact;
}

export interface IntentScoreWithLabel extends IntentScore {
  readonly intentLabel: string;
}

/** The answer for a score at a threshold: the one place the `oos` decision is made. */
export function decideIntent(score: IntentScoreWithLabel, threshold: number): IntentPrediction {
  if (score.outOfScopeWins || score.probability < threshold) {
    return { label: OUT_OF_SCOPE_LABEL, confidence: 1 - score.probability };
  }
  return { label: score.intentLabel, confidence: score.probability };
}

/** Builds a classifier from a parsed artifact (checked here); `source` names it in error messages. */
export function intentClassifierFromArtifact(
  json: unknown,
  source = 'intent classifier artifact',
): IntentClassifier {
  const { artifact, model, hiddenLayer } = decodeArtifact(json, source);
  const features = textFeaturesOf(artifact);
  const scoreText = createMarginScorer(model, hiddenLayer);
  const outOfScopeClass = artifact.labels.indexOf(OUT_OF_SCOPE_LABEL);
  const margins = new Float64Array(model.classCount);
  const work = new Float64Array(model.classCount);
  const { temperature, threshold, labels } = artifact;

  const score = (text: string): IntentScoreWithLabel => {
    scoreText(featurize(text, features), margins);
    const result = scoreMargins(margins, temperature, outOfScopeClass, work);
    return { ...result, intentLabel: labels[result.intent] ?? OUT_OF_SCOPE_LABEL };
  };
  return {
    intents: labels.filter((label) => label !== OUT_OF_SCOPE_LABEL),
    threshold,
    score,
    classify: (text) => decideIntent(score(text), threshold),
    artifact,
  };
}

export async function loadIntentClassifier(path: string): Promise<IntentClassifier> {
  const content = await readTextFile(path);
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new IntentInputError(path, `not valid JSON (${reason})`);
  }
  return intentClassifierFromArtifact(json, path);
}

/** Writes the artifact as JSON; returns its size in bytes. */
export async function saveIntentClassifier(classifier: IntentClassifier, path: string): Promise<number> {
  const text = `${JSON.stringify(classifier.artifact)}\n`;
  await writeOutputFile(path, text);
  return Buffer.byteLength(text);
}
