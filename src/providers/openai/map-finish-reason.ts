import type { FinishReason } from '../../core/response.ts';

// Shared, frozen results for the reasons every response carries: nothing is allocated per response.
const KNOWN: Readonly<Record<string, FinishReason>> = {
  stop: Object.freeze({ unified: 'stop', raw: 'stop' }),
  length: Object.freeze({ unified: 'length', raw: 'length' }),
  tool_calls: Object.freeze({ unified: 'tool_calls', raw: 'tool_calls' }),
  // The legacy name for a tool call.
  function_call: Object.freeze({ unified: 'tool_calls', raw: 'function_call' }),
  content_filter: Object.freeze({ unified: 'content_filter', raw: 'content_filter' }),
};
const MISSING: FinishReason = Object.freeze({ unified: 'other', raw: null });

/**
 * OpenAI `finish_reason` → unified reason, keeping the raw word. Anything an OpenAI-compatible server
 * invents (`eos`, `abort`, …) is `other` with the raw word kept.
 */
export function mapFinishReason(raw: string | null | undefined): FinishReason {
  if (raw === null || raw === undefined) return MISSING;
  return Object.hasOwn(KNOWN, raw) ? KNOWN[raw]! : { unified: 'other', raw };
}
