/** The in-process intent classifier behind `signals.intent` (trained at startup, or a saved artifact). */

import type { IntentSettings } from '../config/resolved.ts';
import type { IntentClassifier } from './signals/text-signals.ts';

export async function loadInProcessIntentClassifier(settings: IntentSettings): Promise<IntentClassifier> {
  await Promise.resolve();
  throw new Error(`the in-process intent classifier is not built yet (${settings.source.kind})`);
}
