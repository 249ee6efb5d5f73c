/**
 * A `replay` provider's settings. The outcomes file is read once at load, so a missing file, a malformed
 * row or a model naming an upstream the file never recorded is a config problem reported with its path,
 * not a failure of the first request.
 */

import { resolve } from 'node:path';
import { InputError } from '../learning/router/input-error.ts';
import { loadOutcomes } from '../learning/router/read-outcomes.ts';
import type { PendingIssue } from './issues.ts';
import type { ReplayProviderSettings } from './resolved.ts';
import type { ProviderDocument } from './schema.ts';

type ReplayProviderDocument = Extract<ProviderDocument, { type: 'replay' }>;

export async function resolveReplaySettings(
  providerName: string,
  document: ReplayProviderDocument,
  baseDir: string,
  issues: PendingIssue[],
): Promise<ReplayProviderSettings> {
  const outcomesPath = resolve(baseDir, document.outcomes);
  const recordedModels = new Set<string>();
  try {
    for (const { record } of await loadOutcomes(outcomesPath)) {
      for (const model of Object.keys(record.outcomes)) recordedModels.add(model);
    }
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    issues.push({ path: ['providers', providerName, 'outcomes'], message: error.message });
  }
  return {
    outcomesPath,
    onMiss: document.on_miss,
    latency: document.latency,
    recordedModels: [...recordedModels].sort(),
  };
}
