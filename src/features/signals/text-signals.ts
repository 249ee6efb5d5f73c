/**
 * Signals read from what the request says rather than its shape: the complexity tier (cheap text
 * features, features/complexity.ts) and the intent (an in-process classifier trained from examples).
 * Both are computed only when a rule reads them, once per request: the two complexity signals share one
 * assessment, the two intent signals one classification.
 */

import type { ChatRequest } from '../../core/request.ts';
import { lastUserTurnText } from './conversation.ts';
import {
  assessComplexity,
  DEFAULT_COMPLEXITY,
  type ComplexityAssessment,
  type ComplexitySettings,
} from '../complexity.ts';
import type { SignalRegistry } from './registry.ts';

export interface IntentResult {
  readonly label: string;
  readonly confidence: number;
}

/**
 * What the intent signals need of a classifier: an in-process one answers at once; an embedding one
 * needs a network call, made before routing (the registry's preparer) and read back by the rules.
 */
export type IntentClassifier =
  | { readonly kind: 'in-process'; classify(text: string): IntentResult }
  | { readonly kind: 'embedding'; classify(text: string): Promise<IntentResult> };

export interface TextSignalSettings {
  readonly complexity?: ComplexitySettings;
  /** Absent: no classifier is configured, and the intent signals read as missing. */
  readonly intent?: IntentClassifier;
}

/** The label an utterance gets when it fits none of the known intents (below the calibrated threshold). */
export const OUT_OF_SCOPE_INTENT = 'oos';

export function registerTextSignals(
  registry: SignalRegistry,
  settings: TextSignalSettings = {},
): SignalRegistry {
  const complexitySettings = settings.complexity ?? DEFAULT_COMPLEXITY;
  const assessments = new WeakMap<ChatRequest, ComplexityAssessment>();
  const assess = (request: ChatRequest): ComplexityAssessment => {
    let assessment = assessments.get(request);
    if (assessment === undefined) {
      assessment = assessComplexity(request, complexitySettings);
      assessments.set(request, assessment);
    }
    return assessment;
  };

  const classifier = settings.intent;
  const classifications = new WeakMap<ChatRequest, IntentResult | undefined>();
  const failures = new WeakMap<ChatRequest, unknown>();
  const classify = (request: ChatRequest): IntentResult | undefined => {
    if (classifier === undefined) throw new Error('no intent classifier is configured (signals.intent)');
    if (classifications.has(request)) return classifications.get(request);
    if (failures.has(request)) throw failures.get(request);
    if (classifier.kind === 'embedding') throw new Error('the intent embedding was not prepared');
    const text = lastUserTurnText(request.messages);
    const result = text === undefined ? undefined : classifier.classify(text);
    classifications.set(request, result);
    return result;
  };
  if (classifier?.kind === 'embedding') {
    registry.addPreparer(async ({ request }) => {
      const text = lastUserTurnText(request.messages);
      try {
        classifications.set(request, text === undefined ? undefined : await classifier.classify(text));
      } catch (error) {
        failures.set(request, error);
      }
    });
  }

  return registry
    .register(
      {
        name: 'complexity',
        type: 'string',
        description:
          'trivial, bounded or extended: the complexity tier from length, turns, code, maths, constraints, asked output size and reasoning cues (docs/routing.md; tunable in signals.complexity).',
      },
      ({ request }) => assess(request).tier,
    )
    .register(
      {
        name: 'complexity_score',
        type: 'number',
        description:
          'The weighted score the complexity tier is cut from (0 for "hi"; 4 and above is extended by default).',
      },
      ({ request }) => assess(request).score,
    )
    .register(
      {
        name: 'intent',
        type: 'string',
        description: `The last user turn's intent from the configured classifier (signals.intent); "${OUT_OF_SCOPE_INTENT}" when it fits none; missing without a user message.`,
      },
      ({ request }) => classify(request)?.label,
    )
    .register(
      {
        name: 'intent_confidence',
        type: 'number',
        description: "The classifier's confidence (0–1) in `intent`.",
      },
      ({ request }) => classify(request)?.confidence,
    );
}
