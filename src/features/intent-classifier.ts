/**
 * Builds the intent classifier `signals.intent` describes: an embedding classifier (nearest centroid over
 * a configured model's embeddings) or the in-process one (trained from examples or data, or a saved
 * artifact). Startup work: examples are embedded or trained on once, before the gateway listens.
 */

import type { IntentSettings } from '../config/resolved.ts';
import { trainEmbeddingClassifier, type EmbedTexts } from '../learning/embedding-classifier.ts';
import {
  IntentInputError,
  IntentTrainingError,
  readLabelledJsonl,
  rowsFromExamples,
  type LabelledText,
} from '../learning/intent/index.ts';
import { loadInProcessIntentClassifier } from './in-process-intent.ts';
import type { IntentClassifier } from './signals/text-signals.ts';

export class IntentSetupError extends Error {
  override readonly name = 'IntentSetupError';
}

/**
 * `embed` embeds with `settings.embeddingsModel`; required when the settings name one. A classifier that
 * cannot be built (an unreadable file, a bad row, data no classifier can learn) is an IntentSetupError
 * whose message names the file and line.
 */
export async function buildIntentClassifier(
  settings: IntentSettings,
  embed: EmbedTexts | undefined,
): Promise<IntentClassifier> {
  try {
    return await build(settings, embed);
  } catch (error) {
    if (error instanceof IntentInputError || error instanceof IntentTrainingError)
      throw new IntentSetupError(error.message);
    throw error;
  }
}

async function build(settings: IntentSettings, embed: EmbedTexts | undefined): Promise<IntentClassifier> {
  if (settings.embeddingsModel === undefined) return loadInProcessIntentClassifier(settings);
  if (embed === undefined)
    throw new IntentSetupError(`signals.intent.embeddings: '${settings.embeddingsModel}' cannot embed`);
  const rows = await labelledRows(settings);
  const classifier = await trainEmbeddingClassifier(rows, embed, {
    ...(settings.minConfidence === undefined ? {} : { minConfidence: settings.minConfidence }),
  });
  return { kind: 'embedding', classify: (text) => classifier.classify(text) };
}

/** The labelled rows of `examples` or `data` (JSONL `{"text", "label"}`). */
async function labelledRows(settings: IntentSettings): Promise<LabelledText[]> {
  const source = settings.source;
  switch (source.kind) {
    case 'examples':
      return rowsFromExamples(source.examples);
    case 'data':
      return readLabelledJsonl(source.path);
    case 'model':
      throw new IntentSetupError('a saved classifier artifact has no examples to embed');
  }
}
