/**
 * The in-process intent classifier's public API (docs/classifier.md): train from rows or few-shot
 * examples, load or rebuild from an artifact, classify to `{label, confidence}`, evaluate.
 */

export type { IntentClassifierArtifact } from './artifact.ts';
export type { OutOfScopePolicy } from './calibration.ts';
export {
  decideIntent,
  intentClassifierFromArtifact,
  loadIntentClassifier,
  saveIntentClassifier,
  type IntentClassifier,
  type IntentPrediction,
} from './classifier.ts';
export { evaluateIntentClassifier, predictionMetrics, type IntentEvaluation } from './metrics.ts';
export {
  DEFAULT_INTENT_TRAINING,
  IntentTrainingError,
  trainIntentClassifier,
  type IntentTrainingOptions,
} from './train.ts';
export {
  IntentInputError,
  OUT_OF_SCOPE_LABEL,
  readLabelledJsonl,
  rowsFromExamples,
  type IntentExamples,
  type LabelledText,
} from './training-data.ts';
