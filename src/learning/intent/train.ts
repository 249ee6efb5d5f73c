/**
 * Training the in-process intent classifier from labelled rows or few-shot examples per intent:
 *
 * 1. Every text becomes hashed word and character n-grams (`text-features.ts`); buckets seen in training
 *    get a row with a square-rooted IDF weight (`quantised-model.ts`).
 * 2. One linear SVM per class (`linear-svm.ts`), `oos` included as a class when rows are labelled `oos`,
 *    and a small network over the same inputs whose logits are added to the margins (`hidden-layer.ts`).
 * 3. Calibration (`calibration.ts`) on rows the model did not learn from: the given calibration rows, or
 *    else the training rows held back in stratified folds (each fold's model is fitted without it; all
 *    five folds up to FOLD_ALL_ROWS rows, one beyond, to bound the training time). The final model is
 *    then fitted on every training row; its temperature and threshold are those found on the held-out
 *    rows.
 *
 * Weights are quantised before calibration, so the calibrated classifier is exactly the one saved.
 */

import {
  DEFAULT_TEXT_FEATURES,
  featurize,
  TEXT_FEATURES_VERSION,
  type SparseVector,
  type TextFeatureOptions,
} from '../text-features.ts';
import {
  encodeHiddenLayer,
  encodeWeights,
  INTENT_ARTIFACT_FORMAT,
  INTENT_ARTIFACT_VERSION,
  type IntentClassifierArtifact,
} from './artifact.ts';
import {
  assignFolds,
  chooseThreshold,
  fitTemperature,
  scoreMargins,
  type HeldOutRow,
  type IntentScore,
  type OutOfScopePolicy,
} from './calibration.ts';
import { intentClassifierFromArtifact, type IntentClassifier } from './classifier.ts';
import { trainHiddenLayer, type HiddenLayer } from './hidden-layer.ts';
import { seededRandom, trainOneVsRestSvm } from './linear-svm.ts';
import {
  buildVocabulary,
  createMarginScorer,
  createRowLookup,
  idfWeights,
  quantise,
  toModelVector,
  type QuantisedModel,
} from './quantised-model.ts';
import {
  OUT_OF_SCOPE_LABEL,
  rowsFromExamples,
  type IntentExamples,
  type LabelledText,
} from './training-data.ts';

export interface IntentTrainingOptions {
  /** Hashed text features; stored in the artifact. */
  readonly features?: TextFeatureOptions;
  /** The SVM penalty C (larger: less regularisation). */
  readonly cost?: number;
  readonly seed?: number;
  /** Rows to calibrate on and not learn from (a validation split). Default: training rows held back in folds. */
  readonly calibration?: readonly LabelledText[];
  /** How the out-of-scope threshold is chosen on the held-out rows. */
  readonly outOfScope?: OutOfScopePolicy;
}

export const DEFAULT_INTENT_TRAINING: {
  readonly features: TextFeatureOptions;
  readonly cost: number;
  readonly seed: number;
  readonly outOfScope: { readonly rejectInScope: number };
} = {
  features: DEFAULT_TEXT_FEATURES,
  // Best of 1–10 on CLINC150's validation split (2 and 3 within noise, 10 and 1 about 0.3 points lower).
  cost: 3,
  seed: 1,
  // One in a hundred held-out in-scope rows may fall to oos: on CLINC150 this catches over half of the
  // out-of-scope rows for about 0.4 points of in-scope accuracy (docs/benchmarks.md has the trade-off).
  outOfScope: { rejectInScope: 0.01 },
};

/** Solver settings: liblinear's defaults for this solver, which converge in ~20 passes per class here. */
const SVM_TOLERANCE = 0.1;
const SVM_MAX_PASSES = 1000;
/** Folds for calibrating on training rows; every fold is fitted only up to FOLD_ALL_ROWS rows. */
const FOLDS = 5;
const FOLD_ALL_ROWS = 5000;

/** Training rows that cannot make a classifier (no intents, one label, unknown calibration labels). */
export class IntentTrainingError extends Error {
  override readonly name = 'IntentTrainingError';
}

export function trainIntentClassifier(
  training: readonly LabelledText[] | IntentExamples,
  options: IntentTrainingOptions = {},
): IntentClassifier {
  const rows = isRowList(training) ? training : rowsFromExamples(training);
  const features = options.features ?? DEFAULT_INTENT_TRAINING.features;
  const cost = options.cost ?? DEFAULT_INTENT_TRAINING.cost;
  const seed = options.seed ?? DEFAULT_INTENT_TRAINING.seed;
  const policy = options.outOfScope ?? DEFAULT_INTENT_TRAINING.outOfScope;
  const labels = classLabels(rows);
  const classOf = new Map(labels.map((label, index) => [label, index]));
  const outOfScopeClass = classOf.get(OUT_OF_SCOPE_LABEL) ?? -1;
  const vectors = rows.map((row) => featurize(row.text, features));
  const classes = Int32Array.from(rows, (row) => classOf.get(row.label) ?? 0);
  const fit = (members: readonly number[]): FittedModel =>
    fitModel(
      members.map((row) => vectors[row] ?? EMPTY_VECTOR),
      Int32Array.from(members, (row) => classes[row] ?? 0),
      labels.length,
      cost,
      seed,
    );
  const target = (label: string): number => classOf.get(label) ?? -1;

  const heldOut: HeldOutRow[] = [];
  let model: FittedModel;
  if (options.calibration !== undefined) {
    for (const [index, row] of options.calibration.entries()) {
      if (row.label !== OUT_OF_SCOPE_LABEL && !classOf.has(row.label)) {
        throw new IntentTrainingError(
          `calibration row ${index + 1} has label '${row.label}', which no training row has`,
        );
      }
    }
    model = fit(rows.map((_, row) => row));
    const scorer = createMarginScorer(model.linear, model.hidden);
    for (const row of options.calibration) {
      const margins = new Float64Array(labels.length);
      scorer(featurize(row.text, features), margins);
      heldOut.push({ margins, target: target(row.label), outOfScope: row.label === OUT_OF_SCOPE_LABEL });
    }
  } else {
    const folds = assignFolds(
      rows.map((row) => row.label),
      FOLDS,
      seededRandom(seed),
    );
    const foldsToFit = rows.length <= FOLD_ALL_ROWS ? FOLDS : 1;
    for (let fold = 0; fold < foldsToFit; fold++) {
      const kept = rows.flatMap((_, row) => (folds[row] === fold ? [] : [row]));
      if (kept.length === rows.length) continue;
      const foldModel = fit(kept);
      const scorer = createMarginScorer(foldModel.linear, foldModel.hidden);
      rows.forEach((row, index) => {
        if (folds[index] !== fold) return;
        const margins = new Float64Array(labels.length);
        scorer(vectors[index] ?? EMPTY_VECTOR, margins);
        heldOut.push({ margins, target: target(row.label), outOfScope: row.label === OUT_OF_SCOPE_LABEL });
      });
    }
    model = fit(rows.map((_, row) => row));
  }

  const temperature = fitTemperature(heldOut);
  const work = new Float64Array(labels.length);
  const scores = heldOut.map((row) => ({
    row,
    score: scoreMargins(row.margins, temperature, outOfScopeClass, work),
  }));
  const pick = (outOfScope: boolean): IntentScore[] =>
    scores.filter(({ row }) => row.outOfScope === outOfScope).map(({ score }) => score);
  const choice = chooseThreshold(pick(false), pick(true), policy);

  const artifact: IntentClassifierArtifact = {
    format: INTENT_ARTIFACT_FORMAT,
    version: INTENT_ARTIFACT_VERSION,
    text_features: {
      version: TEXT_FEATURES_VERSION,
      hashBits: features.hashBits,
      wordNgrams: [...features.wordNgrams],
      charNgrams: [...features.charNgrams],
      charWeight: features.charWeight,
    },
    labels,
    temperature,
    threshold: choice.threshold,
    calibration: {
      source: options.calibration === undefined ? 'folds' : 'rows',
      rows: heldOut.length,
      rule: choice.rule,
      reject_in_scope: 'rejectInScope' in policy ? policy.rejectInScope : null,
      oos_recall_target: 'oosRecall' in policy ? policy.oosRecall : null,
      in_scope_rejection: choice.inScopeRejection,
      oos_recall: choice.oosRecall,
    },
    training: { rows: rows.length, cost, seed },
    weights: encodeWeights(model.linear),
    hidden_layer: encodeHiddenLayer(model.hidden),
  };
  return intentClassifierFromArtifact(artifact, 'trained intent classifier');
}

const EMPTY_VECTOR: SparseVector = { indices: new Uint32Array(0), values: new Float32Array(0) };

function isRowList(training: readonly LabelledText[] | IntentExamples): training is readonly LabelledText[] {
  return Array.isArray(training);
}

/** In-scope intents in first-seen order, then `oos` if any row has it. */
function classLabels(rows: readonly LabelledText[]): string[] {
  const intents = [...new Set(rows.map((row) => row.label))].filter((label) => label !== OUT_OF_SCOPE_LABEL);
  const hasOutOfScope = rows.some((row) => row.label === OUT_OF_SCOPE_LABEL);
  if (intents.length === 0)
    throw new IntentTrainingError('no intents: every training row is labelled oos (or there are none)');
  if (intents.length === 1 && !hasOutOfScope) {
    throw new IntentTrainingError(
      `only one label ('${intents[0]}'): give examples of at least two intents, or of one intent and of oos`,
    );
  }
  for (const [index, row] of rows.entries()) {
    if (row.label.trim() === '')
      throw new IntentTrainingError(`training row ${index + 1} has an empty label`);
  }
  return hasOutOfScope ? [...intents, OUT_OF_SCOPE_LABEL] : intents;
}

interface FittedModel {
  readonly linear: QuantisedModel;
  readonly hidden: HiddenLayer;
}

function fitModel(
  vectors: readonly SparseVector[],
  classes: Int32Array,
  classCount: number,
  cost: number,
  seed: number,
): FittedModel {
  const vocabulary = buildVocabulary(vectors);
  const lookup = createRowLookup(vocabulary.buckets);
  const idf = idfWeights(vocabulary);
  const modelVectors = vectors.map((vector) => toModelVector(vector, lookup, idf));
  const scores = trainOneVsRestSvm(modelVectors, classes, vocabulary.buckets.length, classCount, {
    cost,
    tolerance: SVM_TOLERANCE,
    maxPasses: SVM_MAX_PASSES,
    seed,
  });
  const hidden = trainHiddenLayer(modelVectors, classes, vocabulary.buckets.length, classCount, seed);
  return { linear: quantise(scores, vocabulary), hidden };
}
