/** The in-process intent classifier behind `signals.intent`: a saved artifact, or trained at startup. */

import type { IntentSettings } from '../config/resolved.ts';
import {
  decideIntent,
  loadIntentClassifier,
  readLabelledJsonl,
  trainIntentClassifier,
  type IntentClassifier as TrainedClassifier,
} from '../learning/intent/index.ts';
import type { IntentClassifier } from './signals/text-signals.ts';

export async function loadInProcessIntentClassifier(settings: IntentSettings): Promise<IntentClassifier> {
  const source = settings.source;
  let trained: TrainedClassifier;
  switch (source.kind) {
    case 'model':
      trained = await loadIntentClassifier(source.path);
      break;
    case 'data':
      trained = trainIntentClassifier(await readLabelledJsonl(source.path));
      break;
    case 'examples':
      trained = trainIntentClassifier(source.examples);
      break;
  }
  // `min_confidence` replaces the calibrated threshold; the decision rule stays the classifier's own.
  const threshold = settings.minConfidence ?? trained.threshold;
  return { kind: 'in-process', classify: (text) => decideIntent(trained.score(text), threshold) };
}
