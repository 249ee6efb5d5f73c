import type { ChatResponse } from '../../../core/response.ts';
import { writeLogprobs } from './encode-logprobs.ts';
import { toOpenAIFinishReason } from './map-finish-reason.ts';
import { toOpenAIUsage } from './encode-usage.ts';

/** Canonical response → OpenAI `chat.completion` object. */
export function encodeChatCompletion(response: ChatResponse): Record<string, unknown> {
  const hasToolCalls = response.toolCalls.length > 0;
  const message: Record<string, unknown> = {
    role: 'assistant',
    // OpenAI sends `null` content on a pure tool-call turn; clients test for it.
    content: hasToolCalls && response.text === '' ? null : response.text,
    refusal: null,
  };
  if (hasToolCalls) {
    message.tool_calls = response.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  const body: Record<string, unknown> = {
    id: response.id,
    object: 'chat.completion',
    created: response.created,
    model: response.upstreamModel,
    choices: [
      {
        index: 0,
        message,
        logprobs: response.logprobs === undefined ? null : writeLogprobs(response.logprobs),
        finish_reason: toOpenAIFinishReason(response.finishReason),
      },
    ],
  };
  if (response.usage !== undefined) body.usage = toOpenAIUsage(response.usage);
  return body;
}
