import type { FinishReason } from '../../../core/response.ts';

export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

/** Canonical finish reason → the value an OpenAI client expects. */
export function toOpenAIFinishReason(reason: FinishReason): OpenAIFinishReason {
  switch (reason.unified) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    // OpenAI has no value for these; `stop` is what its own API sends for an ordinary end.
    case 'error':
    case 'other':
      return 'stop';
  }
}
