import type { FinishReason } from '../../core/response.ts';

const stopped = (unified: FinishReason['unified'], raw: string): FinishReason =>
  Object.freeze({ unified, raw });

// Shared, frozen results for every reason Gemini documents: nothing is allocated per response.
const KNOWN: Readonly<Record<string, FinishReason>> = {
  STOP: stopped('stop', 'STOP'),
  MAX_TOKENS: stopped('length', 'MAX_TOKENS'),
  // The per-request token limit was reached before the answer was complete.
  CONTINUATION: stopped('length', 'CONTINUATION'),
  SAFETY: stopped('content_filter', 'SAFETY'),
  RECITATION: stopped('content_filter', 'RECITATION'),
  BLOCKLIST: stopped('content_filter', 'BLOCKLIST'),
  PROHIBITED_CONTENT: stopped('content_filter', 'PROHIBITED_CONTENT'),
  SPII: stopped('content_filter', 'SPII'),
  IMAGE_SAFETY: stopped('content_filter', 'IMAGE_SAFETY'),
  IMAGE_PROHIBITED_CONTENT: stopped('content_filter', 'IMAGE_PROHIBITED_CONTENT'),
  IMAGE_RECITATION: stopped('content_filter', 'IMAGE_RECITATION'),
};
/** Gemini has no tool-call finish reason: a turn that calls functions ends with STOP. */
const STOP_WITH_TOOL_CALLS: FinishReason = stopped('tool_calls', 'STOP');
const MISSING: FinishReason = Object.freeze({ unified: 'other', raw: null });

/**
 * Gemini `finishReason` → unified reason, keeping the raw word. Everything else Gemini documents
 * (MALFORMED_FUNCTION_CALL, UNEXPECTED_TOOL_CALL, TOO_MANY_TOOL_CALLS, LANGUAGE, OTHER, …) and anything
 * new is `other`.
 */
export function mapFinishReason(raw: string | null | undefined, calledTools: boolean): FinishReason {
  if (raw === null || raw === undefined) return MISSING;
  if (raw === 'STOP' && calledTools) return STOP_WITH_TOOL_CALLS;
  return Object.hasOwn(KNOWN, raw) ? KNOWN[raw]! : { unified: 'other', raw };
}
