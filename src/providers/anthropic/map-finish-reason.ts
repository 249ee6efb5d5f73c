import type { FinishReason } from '../../core/response.ts';

// Shared, frozen results for the reasons every response carries: nothing is allocated per response.
const KNOWN: Readonly<Record<string, FinishReason>> = {
  end_turn: Object.freeze({ unified: 'stop', raw: 'end_turn' }),
  stop_sequence: Object.freeze({ unified: 'stop', raw: 'stop_sequence' }),
  max_tokens: Object.freeze({ unified: 'length', raw: 'max_tokens' }),
  // The model ran into its context window while generating: output was cut short, as with max_tokens.
  model_context_window_exceeded: Object.freeze({ unified: 'length', raw: 'model_context_window_exceeded' }),
  tool_use: Object.freeze({ unified: 'tool_calls', raw: 'tool_use' }),
  refusal: Object.freeze({ unified: 'content_filter', raw: 'refusal' }),
};
const MISSING: FinishReason = Object.freeze({ unified: 'other', raw: null });
/** JSON mode is emulated with a forced tool; its call is the answer, so the turn ended normally. */
const JSON_ANSWER: FinishReason = Object.freeze({ unified: 'stop', raw: 'tool_use' });

/**
 * Anthropic `stop_reason` → unified reason, keeping the raw word. `pause_turn` (a server tool paused a
 * long turn) and anything newer are `other` with the raw word kept.
 */
export function mapFinishReason(raw: string | null | undefined, jsonMode = false): FinishReason {
  if (raw === null || raw === undefined) return MISSING;
  if (jsonMode && raw === 'tool_use') return JSON_ANSWER;
  return Object.hasOwn(KNOWN, raw) ? KNOWN[raw]! : { unified: 'other', raw };
}
