import type { ModelPricing } from '../core/model.ts';
import type { Usage } from '../core/response.ts';

const PER_MILLION = 1_000_000;

/**
 * USD cost of one call. Cached input is billed at its own price where the model has one (and is part of
 * inputTokens, so it is taken out of the full-price share); cache writes likewise.
 */
export function costUsd(usage: Usage, pricing: ModelPricing): number {
  const cached = pricing.cachedInputPerMillion === undefined ? 0 : (usage.cachedInputTokens ?? 0);
  const written = pricing.cacheWritePerMillion === undefined ? 0 : (usage.cacheWriteTokens ?? 0);
  const fullPriceInput = Math.max(0, usage.inputTokens - cached - written);
  return (
    (fullPriceInput * pricing.inputPerMillion +
      cached * (pricing.cachedInputPerMillion ?? 0) +
      written * (pricing.cacheWritePerMillion ?? 0) +
      usage.outputTokens * pricing.outputPerMillion) /
    PER_MILLION
  );
}
