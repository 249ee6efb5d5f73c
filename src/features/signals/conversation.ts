/**
 * Measures of the conversation in a canonical request. Both client protocols decode into the same
 * shapes (an Anthropic user turn holding only tool results becomes tool messages, no user message), so
 * these agree for the same conversation whichever protocol carried it.
 */

import type { Message } from '../../core/request.ts';

/**
 * User turns: maximal runs of consecutive user messages, each counted once. A run split by tool results
 * or an assistant reply is two turns; two user messages in a row (a client sending context and question
 * separately) are one.
 */
export function countUserTurns(messages: readonly Message[]): number {
  let turns = 0;
  let previousWasUser = false;
  for (const message of messages) {
    const isUser = message.role === 'user';
    if (isUser && !previousWasUser) turns += 1;
    previousWasUser = isUser;
  }
  return turns;
}

/** Characters (UTF-16 code units, as `String.length`) of the text parts of one message. */
export function textChars(message: Message): number {
  let chars = 0;
  for (const part of message.content) if (part.type === 'text') chars += part.text.length;
  return chars;
}

export function totalTextChars(messages: readonly Message[]): number {
  let chars = 0;
  for (const message of messages) chars += textChars(message);
  return chars;
}

/** Text characters of the last user turn (its run of user messages); undefined with no user message. */
export function lastUserTurnChars(messages: readonly Message[]): number | undefined {
  let chars: number | undefined;
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (message === undefined) break;
    if (message.role === 'user') chars = (chars ?? 0) + textChars(message);
    else if (chars !== undefined) break;
  }
  return chars;
}

/**
 * Text of the last user turn (its run of user messages), parts joined by newlines; undefined with no user
 * message. What the text signals read: the question being asked now.
 */
export function lastUserTurnText(messages: readonly Message[]): string | undefined {
  const pieces: string[] = [];
  let found = false;
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (message === undefined) break;
    if (message.role !== 'user') {
      if (found) break;
      continue;
    }
    found = true;
    for (let part = message.content.length - 1; part >= 0; part -= 1) {
      const content = message.content[part];
      if (content?.type === 'text') pieces.push(content.text);
    }
  }
  return found ? pieces.reverse().join('\n') : undefined;
}

export function hasImages(messages: readonly Message[]): boolean {
  return messages.some((message) => message.content.some((part) => part.type === 'image'));
}
