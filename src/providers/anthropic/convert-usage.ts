import { z } from 'zod';
import type { Usage } from '../../core/response.ts';

/**
 * Anthropic's `usage` object, leniently: the cache figures are absent on older API versions and null on
 * some event types, and `message_delta` may repeat any of them.
 */
export const anthropicUsageSchema = z.object({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
});

export interface AnthropicUsage {
  readonly input_tokens?: number | null;
  readonly output_tokens?: number | null;
  readonly cache_read_input_tokens?: number | null;
  readonly cache_creation_input_tokens?: number | null;
}

/**
 * Anthropic usage → canonical usage. Anthropic's `input_tokens` counts only the tokens after the last
 * cache breakpoint: cache reads and cache writes are reported beside it, not inside it. The canonical
 * `inputTokens` is the whole prompt (cached tokens are a subset of it), so the three are added up. The
 * cache figures are kept only when the upstream reported them.
 */
export function convertUsage(usage: AnthropicUsage): Usage {
  const cacheRead = usage.cache_read_input_tokens;
  const cacheWrite = usage.cache_creation_input_tokens;
  return {
    inputTokens: (usage.input_tokens ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0),
    outputTokens: usage.output_tokens ?? 0,
    ...(typeof cacheRead === 'number' ? { cachedInputTokens: cacheRead } : {}),
    ...(typeof cacheWrite === 'number' ? { cacheWriteTokens: cacheWrite } : {}),
  };
}
