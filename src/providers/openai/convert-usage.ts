import { z } from 'zod';
import type { Usage } from '../../core/response.ts';

/** OpenAI's `usage` object, leniently: every figure may be missing or null on compatible servers. */
export const openAIUsageSchema = z.object({
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  prompt_tokens_details: z.object({ cached_tokens: z.number().nullish() }).nullish(),
  completion_tokens_details: z.object({ reasoning_tokens: z.number().nullish() }).nullish(),
});

export type OpenAIUsage = z.infer<typeof openAIUsageSchema>;

/**
 * OpenAI usage → canonical usage. Cached tokens are a subset of `prompt_tokens` and reasoning tokens a
 * subset of `completion_tokens`, which is exactly the canonical meaning, so they map across unchanged.
 * The detail fields are set only when the upstream reported them.
 */
export function convertUsage(usage: OpenAIUsage): Usage {
  const cached = usage.prompt_tokens_details?.cached_tokens;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  return {
    inputTokens: usage.prompt_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
    ...(typeof cached === 'number' ? { cachedInputTokens: cached } : {}),
    ...(typeof reasoning === 'number' ? { reasoningTokens: reasoning } : {}),
  };
}
