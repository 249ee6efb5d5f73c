/** Builders for conversations in the fitting tests. */

import type { ChatRequest, ContentPart, Message, ToolDefinition } from '../../core/request.ts';

export function conversation(messages: readonly Message[], tools?: readonly ToolDefinition[]): ChatRequest {
  return {
    model: 'auto',
    messages,
    ...(tools === undefined ? {} : { tools }),
    sampling: {},
    stream: false,
    includeUsage: false,
    metadata: {},
  };
}

const text = (value: string): ContentPart[] => [{ type: 'text', text: value }];

export const system = (value: string): Message => ({ role: 'system', content: text(value) });
export const user = (value: string): Message => ({ role: 'user', content: text(value) });
export const assistant = (value: string): Message => ({ role: 'assistant', content: text(value) });

export function toolCalls(...calls: readonly { id: string; name: string; arguments: string }[]): Message {
  return { role: 'assistant', content: [], toolCalls: calls };
}

export const toolResult = (id: string, value: string): Message => ({
  role: 'tool',
  toolCallId: id,
  content: text(value),
});

export function userWithImage(value: string): Message {
  return {
    role: 'user',
    content: [
      { type: 'text', text: value },
      { type: 'image', source: { kind: 'url', url: 'https://example.com/chart.png' } },
    ],
  };
}

export function textOf(message: Message | undefined): string {
  return (message?.content ?? []).flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
}

/** Every tool call has its result and every result its call — what providers insist on. */
export function toolPairsIntact(messages: readonly Message[]): boolean {
  const calls = new Set(messages.flatMap((message) => (message.toolCalls ?? []).map((call) => call.id)));
  const results = new Set(messages.flatMap((message) => message.toolCallId ?? []));
  return calls.size === results.size && [...calls].every((id) => results.has(id));
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
