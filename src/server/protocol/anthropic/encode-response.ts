import type { ChatResponse } from '../../../core/response.ts';
import { toAnthropicUsage } from './encode-usage.ts';
import { toAnthropicStopReason } from './map-stop-reason.ts';

type AnthropicContent =
  { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: unknown };

/** Tool arguments are JSON text canonically; Anthropic carries them as an object. */
export function parseToolInput(argumentsText: string): unknown {
  if (argumentsText.trim() === '') return {};
  try {
    return JSON.parse(argumentsText);
  } catch {
    // A model that produced invalid JSON is still answered; the client sees what it wrote.
    return { _raw: argumentsText };
  }
}

/** Canonical response → Anthropic `message` object. */
export function encodeMessage(response: ChatResponse): Record<string, unknown> {
  const content: AnthropicContent[] = [];
  if (response.text !== '') content.push({ type: 'text', text: response.text });
  for (const call of response.toolCalls) {
    content.push({ type: 'tool_use', id: call.id, name: call.name, input: parseToolInput(call.arguments) });
  }
  return {
    id: response.id,
    type: 'message',
    role: 'assistant',
    model: response.upstreamModel,
    content,
    stop_reason: toAnthropicStopReason(response.finishReason),
    stop_sequence: null,
    usage: toAnthropicUsage(response.usage ?? { inputTokens: 0, outputTokens: 0 }),
  };
}
