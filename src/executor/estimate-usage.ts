import type { ResolvedModel } from '../core/model.ts';
import type { ChatRequest } from '../core/request.ts';
import type { Usage } from '../core/response.ts';
import { countPromptTokens, countTextTokens } from '../features/tokens.ts';

/**
 * Usage computed by the gateway for an upstream that reported none (some OpenAI-compatible servers omit
 * it in streams). Upstream usage always wins when present; this only fills the gap so cost is never zero.
 */
export function estimateUsage(request: ChatRequest, model: ResolvedModel, outputText: string): Usage {
  return {
    inputTokens: countPromptTokens(request, model.tokenizer),
    outputTokens: countTextTokens(outputText, model.tokenizer),
  };
}
