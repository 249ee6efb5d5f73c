import type { FinishReason } from '../../../core/response.ts';

export type AnthropicStopReason =
  'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal';

const ANTHROPIC_STOP_REASONS: ReadonlySet<string> = new Set<AnthropicStopReason>([
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
  'pause_turn',
  'refusal',
]);

/**
 * Canonical finish reason → Anthropic's `stop_reason`. When the answer came from an Anthropic model its
 * own word is kept (so `stop_sequence` and `pause_turn` survive); otherwise the unified value is mapped.
 */
export function toAnthropicStopReason(reason: FinishReason): AnthropicStopReason {
  if (reason.raw !== null && ANTHROPIC_STOP_REASONS.has(reason.raw)) return reason.raw as AnthropicStopReason;
  switch (reason.unified) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    // Anthropic has no word for these; an ordinary end is what its clients handle.
    case 'stop':
    case 'error':
    case 'other':
      return 'end_turn';
  }
}
