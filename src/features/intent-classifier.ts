/**
 * Builds the intent classifier `signals.intent` describes: an embedding classifier (nearest centroid over
 * a configured model's embeddings) or the in-process one (trained from examples or data, or a saved
 * artifact). Startup work: examples are embedded or trained on once, before the gateway listens.
 */

import { readFile } from 'node:fs/promises';
import type { IntentSettings } from '../config/resolved.ts';
import {
  trainEmbeddingClassifier,
  type EmbedTexts,
  type LabelledText,
} from '../learning/embedding-classifier.ts';
import { loadInProcessIntentClassifier } from './in-process-intent.ts';
import type { IntentClassifier } from './signals/text-signals.ts';

export class IntentSetupError extends Error {
  override readonly name = 'IntentSetupError';
}

/** `embed` embeds with `settings.embeddingsModel`; required when the settings name one. */
export async function buildIntentClassifier(
  settings: IntentSettings,
  embed: EmbedTexts | undefined,
): Promise<IntentClassifier> {
  if (settings.embeddingsModel === undefined) return loadInProcessIntentClassifier(settings);
  if (embed === undefined)
    throw new IntentSetupError(`signals.intent.embeddings: '${settings.embeddingsModel}' cannot embed`);
  const rows = await labelledRows(settings);
  const classifier = await trainEmbeddingClassifier(rows, embed, {
    ...(settings.minConfidence === undefined ? {} : { minConfidence: settings.minConfidence }),
  });
  return { kind: 'embedding', classify: (text) => classifier.classify(text) };
}

/** The labelled rows of `examples` or `data` (JSONL `{"text", "label"}`), with the line of a bad one. */
export async function labelledRows(settings: IntentSettings): Promise<LabelledText[]> {
  const source = settings.source;
  switch (source.kind) {
    case 'examples':
      return Object.entries(source.examples).flatMap(([label, texts]) =>
        texts.map((text) => ({ text, label })),
      );
    case 'data':
      return parseLabelledJsonl(await readFile(source.path, 'utf8'), source.path);
    case 'model':
      throw new IntentSetupError('a saved classifier artifact has no examples to embed');
  }
}

export function parseLabelledJsonl(text: string, file: string): LabelledText[] {
  const rows: LabelledText[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new IntentSetupError(`${file}:${index + 1}: not valid JSON`);
    }
    const row = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
    if (typeof row.text !== 'string' || row.text === '')
      throw new IntentSetupError(`${file}:${index + 1}: "text" must be a non-empty string`);
    if (typeof row.label !== 'string' || row.label === '')
      throw new IntentSetupError(`${file}:${index + 1}: "label" must be a non-empty string`);
    rows.push({ text: row.text, label: row.label });
  }
  return rows;
}
