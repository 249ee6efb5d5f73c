/**
 * The droppable units of a conversation's history (every message except the pinned ones: system messages
 * and the latest user turn). An assistant message with tool calls and the tool results answering it form
 * one unit, since providers reject a result whose call is missing and a call without its results; every
 * other message is a unit of its own.
 */

import type { Message } from '../../core/request.ts';

export interface HistoryUnit {
  /** Indices into the request's messages, ascending. */
  readonly indices: readonly number[];
  readonly tokens: number;
  /**
   * The unit may open the kept history. Anthropic (and others) reject a conversation whose first
   * non-system message is not a user message, so before the latest user turn only a user message may;
   * after it (an agent's tool steps) any unit may, as the latest user turn then opens the conversation.
   */
  readonly canLead: boolean;
  /** A lone user or assistant message of text only, which may be kept in part. */
  readonly trimmable: boolean;
}

/**
 * Groups the history into units, oldest first. `latestUser` is the index of the latest user message, or
 * -1 when there is none (then any unit may lead).
 */
export function historyUnits(
  messages: readonly Message[],
  isPinned: (index: number) => boolean,
  latestUser: number,
  tokens: readonly number[],
): HistoryUnit[] {
  const reach = linkToolPairs(messages);
  const groups: { indices: number[]; end: number }[] = [];
  let current: { indices: number[]; end: number } | undefined;
  messages.forEach((_, index) => {
    if (isPinned(index)) return;
    if (current === undefined || index > current.end) {
      current = { indices: [], end: index };
      groups.push(current);
    }
    current.indices.push(index);
    current.end = Math.max(current.end, reach[index] ?? index);
  });

  return groups.map(({ indices }, position) => {
    const first = indices[0]!;
    const firstMessage = messages[first]!;
    const only = indices.length === 1 ? firstMessage : undefined;
    return {
      indices,
      tokens: indices.reduce((sum, index) => sum + (tokens[index] ?? 0), 0),
      canLead: latestUser < 0 || first > latestUser || position === 0 || firstMessage.role === 'user',
      trimmable:
        only !== undefined &&
        (only.role === 'user' || only.role === 'assistant') &&
        (only.toolCalls?.length ?? 0) === 0 &&
        only.content.every((part) => part.type === 'text'),
    };
  });
}

/**
 * For each message, the furthest message it must stay with: an assistant message with tool calls reaches
 * the results answering its calls (matched by id), and the tool messages right after it whose id matches
 * no call. A result standing before its call (malformed, but possible) ties the two the same way.
 */
function linkToolPairs(messages: readonly Message[]): number[] {
  const reach = messages.map((_, index) => index);
  const callOwner = new Map<string, number>();
  messages.forEach((message, index) => {
    for (const call of message.toolCalls ?? []) callOwner.set(call.id, index);
  });
  let runOwner: number | undefined;
  messages.forEach((message, index) => {
    if (message.role === 'assistant' && (message.toolCalls?.length ?? 0) > 0) {
      runOwner = index;
      return;
    }
    if (message.role !== 'tool') {
      runOwner = undefined;
      return;
    }
    const owner =
      (message.toolCallId === undefined ? undefined : callOwner.get(message.toolCallId)) ?? runOwner;
    if (owner === undefined) return;
    const [from, to] = owner < index ? [owner, index] : [index, owner];
    reach[from] = Math.max(reach[from] ?? from, to);
  });
  return reach;
}
