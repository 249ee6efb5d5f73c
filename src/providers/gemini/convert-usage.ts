import type { Usage } from '../../core/response.ts';
import type { GeminiUsageMetadata } from './read-response.ts';

/**
 * Gemini `usageMetadata` → canonical usage. Gemini counts thinking apart from the answer
 * (`thoughtsTokenCount` is not in `candidatesTokenCount`) but bills both as output, so output is their
 * sum and the thoughts are its reasoning subset. Tokens of server-side tool results
 * (`toolUsePromptTokenCount`) are billed as input. `cachedContentTokenCount` is already a subset of
 * `promptTokenCount`. Detail fields are set only when Gemini reported them.
 */
export function convertUsage(usage: GeminiUsageMetadata): Usage {
  const thoughts = usage.thoughtsTokenCount;
  const cached = usage.cachedContentTokenCount;
  return {
    inputTokens: (usage.promptTokenCount ?? 0) + (usage.toolUsePromptTokenCount ?? 0),
    outputTokens: (usage.candidatesTokenCount ?? 0) + (thoughts ?? 0),
    ...(typeof cached === 'number' ? { cachedInputTokens: cached } : {}),
    ...(typeof thoughts === 'number' ? { reasoningTokens: thoughts } : {}),
  };
}
