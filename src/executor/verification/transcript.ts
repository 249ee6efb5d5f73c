/** The conversation and an answer as plain text, for a grader model to read. */

import type { Message } from '../../core/request.ts';
import type { ChatResponse } from '../../core/response.ts';

export function transcriptOf(messages: readonly Message[]): string {
  return messages.map((message) => `${message.role.toUpperCase()}: ${messageText(message)}`).join('\n\n');
}

export function answerText(response: ChatResponse): string {
  const calls = response.toolCalls.map((call) => `[tool call ${call.name}(${call.arguments})]`);
  return [response.text, ...calls].filter((piece) => piece !== '').join('\n');
}

function messageText(message: Message): string {
  const pieces = message.content.map((part) => (part.type === 'text' ? part.text : '[image]'));
  for (const call of message.toolCalls ?? []) pieces.push(`[tool call ${call.name}(${call.arguments})]`);
  return pieces.join('\n');
}
