/** Resolves the `signals` block: complexity tuning and where the intent classifier comes from. */

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { knownList, type PendingIssue } from './issues.ts';
import type { IntentSettings, SignalSettings } from './resolved.ts';
import type { ConfigDocument } from './schema.ts';

export function resolveSignals(
  document: ConfigDocument,
  baseDir: string,
  modelIds: ReadonlySet<string>,
  issues: PendingIssue[],
): SignalSettings {
  const { complexity, intent } = document.signals;
  return {
    complexity: {
      weights: complexity.weights,
      boundedAt: complexity.bounded_at,
      extendedAt: complexity.extended_at,
    },
    intent: intent === undefined ? undefined : resolveIntent(intent, baseDir, modelIds, issues),
  };
}

type IntentDocument = NonNullable<ConfigDocument['signals']['intent']>;

function resolveIntent(
  intent: IntentDocument,
  baseDir: string,
  modelIds: ReadonlySet<string>,
  issues: PendingIssue[],
): IntentSettings | undefined {
  const path = ['signals', 'intent'];
  const given = (['model', 'data', 'examples'] as const).filter((key) => intent[key] !== undefined);
  if (given.length !== 1) {
    issues.push({
      path,
      message:
        given.length === 0
          ? 'give one of model (a trained artifact), data (labelled JSONL) or examples (utterances per intent)'
          : `give only one of ${given.join(', ')}`,
    });
    return undefined;
  }
  const file = (key: 'model' | 'data', value: string): string | undefined => {
    const absolute = resolve(baseDir, value);
    if (existsSync(absolute)) return absolute;
    issues.push({ path: [...path, key], message: `file not found: ${absolute}` });
    return undefined;
  };
  if (intent.embeddings !== undefined) {
    if (intent.model !== undefined)
      issues.push({
        path: [...path, 'embeddings'],
        message: 'an embedding classifier trains from data or examples, not a model artifact',
      });
    if (!modelIds.has(intent.embeddings))
      issues.push({
        path: [...path, 'embeddings'],
        message: `unknown model "${intent.embeddings}" (${knownList(modelIds)})`,
      });
  }
  const settings = { embeddingsModel: intent.embeddings, minConfidence: intent.min_confidence };
  if (intent.examples !== undefined) {
    const labels = Object.keys(intent.examples).filter((label) => label !== 'oos');
    if (labels.length === 0) {
      issues.push({
        path: [...path, 'examples'],
        message: 'give examples of at least one intent besides oos',
      });
      return undefined;
    }
    return { ...settings, source: { kind: 'examples', examples: intent.examples } };
  }
  if (intent.data !== undefined) {
    const absolute = file('data', intent.data);
    return absolute === undefined ? undefined : { ...settings, source: { kind: 'data', path: absolute } };
  }
  const absolute = file('model', intent.model ?? '');
  return absolute === undefined ? undefined : { ...settings, source: { kind: 'model', path: absolute } };
}

/** A rule that reads the intent signals needs a classifier to read them from. */
export function intentRuleIssue(
  signalsRead: readonly string[],
  document: ConfigDocument,
): string | undefined {
  if (document.signals.intent !== undefined) return undefined;
  const read = signalsRead.find((name) => name === 'intent' || name === 'intent_confidence');
  return read === undefined
    ? undefined
    : `reads ${read}, but no intent classifier is configured (signals.intent: docs/classifier.md)`;
}
