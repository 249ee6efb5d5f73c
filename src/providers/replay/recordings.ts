/**
 * Recorded outcomes indexed by prompt, for the replay provider. A request matches a recording when the
 * text a router reads from its messages (`promptTextFromMessages`) equals the row's prompt text, both
 * trimmed: the same text the learned router trains and serves on, so a row sent as a prompt or as
 * messages finds itself. Rows are bucketed by a hash of that text and confirmed by comparing it whole.
 */

import { fnv1a32 } from '../../core/hash.ts';
import { promptText, type ModelOutcome, type OutcomeRecord } from '../../learning/router/outcomes.ts';
import { loadOutcomes } from '../../learning/router/read-outcomes.ts';

interface IndexedRow {
  readonly text: string;
  readonly outcomes: Readonly<Record<string, ModelOutcome>>;
}

export interface RecordingIndex {
  /** The outcome recorded for this prompt and model: the first row with this prompt that has one. */
  find(prompt: string, model: string): ModelOutcome | undefined;
  readonly rows: number;
}

/** The key a prompt is matched by: its text without surrounding whitespace. */
export function matchKey(text: string): string {
  return text.trim();
}

export function indexOutcomes(records: readonly OutcomeRecord[]): RecordingIndex {
  const buckets = new Map<number, IndexedRow[]>();
  for (const record of records) {
    const text = matchKey(promptText(record));
    const hash = fnv1a32(text);
    const row = { text, outcomes: record.outcomes };
    const bucket = buckets.get(hash);
    if (bucket === undefined) buckets.set(hash, [row]);
    else bucket.push(row);
  }
  return {
    rows: records.length,
    find(prompt, model) {
      const text = matchKey(prompt);
      for (const row of buckets.get(fnv1a32(text)) ?? []) {
        if (row.text !== text) continue;
        const outcome = row.outcomes[model];
        if (outcome !== undefined) return outcome;
      }
      return undefined;
    },
  };
}

export async function loadRecordings(path: string): Promise<RecordingIndex> {
  return indexOutcomes((await loadOutcomes(path)).map((row) => row.record));
}
