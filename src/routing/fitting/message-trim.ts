/**
 * Token cost of one message, and trimming a message's text to a token allowance. Costs come from the one
 * counter (features/tokens.ts): a message costs what countPromptTokens charges for it — its text (tool
 * calls included), a flat charge per image and the per-message overhead — so a prompt's count is the sum
 * of its messages' costs plus the reply priming and tool schemas.
 */

import type { TokenizerFamily } from '../../core/model.ts';
import type { ChatRequest, ContentPart, Message } from '../../core/request.ts';
import { countPromptTokens, countTextTokens, TOKENS_PER_REPLY } from '../../features/tokens.ts';
import { type KeepEnd, trimToTokens } from './sentences.ts';

/** Re-trims with a smaller text allowance at most this often when joined parts count above the sum. */
const MAX_FIT_ATTEMPTS = 4;

const EMPTY_REQUEST: ChatRequest = {
  model: '',
  messages: [],
  sampling: {},
  stream: false,
  includeUsage: false,
  metadata: {},
};

export function messageTokens(message: Message, family: TokenizerFamily): number {
  return countPromptTokens({ ...EMPTY_REQUEST, messages: [message] }, family) - TOKENS_PER_REPLY;
}

/** Tokens of everything in a request except its messages: the reply priming and the tool schemas. */
export function fixedPromptTokens(request: ChatRequest, family: TokenizerFamily): number {
  return countPromptTokens({ ...request, messages: [] }, family);
}

export function hasText(message: Message): boolean {
  return message.content.some((part) => part.type === 'text' && part.text.length > 0);
}

export interface TrimmedMessage {
  readonly message: Message;
  readonly tokens: number;
  /** `word` when a sentence had to be cut between words. */
  readonly boundary: 'sentence' | 'word';
}

/**
 * Trims the message's text parts, as one contiguous run from the kept end, to fit `maxTokens` for the whole
 * message. Images and tool calls are never touched; text parts trimmed to nothing are removed. The result
 * may still exceed `maxTokens` when what cannot be trimmed does, or hold no text when none fits.
 */
export function trimMessageText(
  message: Message,
  maxTokens: number,
  keep: KeepEnd,
  family: TokenizerFamily,
): TrimmedMessage {
  const untrimmable = messageTokens(
    { ...message, content: message.content.filter((part) => part.type !== 'text') },
    family,
  );
  let textBudget = maxTokens - untrimmable;
  for (let attempt = 1; ; attempt++) {
    const { content, boundary } = trimParts(message.content, textBudget, keep, family);
    const trimmed: Message = { ...message, content };
    const tokens = messageTokens(trimmed, family);
    if (tokens <= maxTokens || textBudget <= 0) return { message: trimmed, tokens, boundary };
    // Counted together, the parts (or text and tool calls) came out above their separate counts.
    textBudget = attempt < MAX_FIT_ATTEMPTS ? textBudget - (tokens - maxTokens) : 0;
  }
}

function trimParts(
  parts: readonly ContentPart[],
  textBudget: number,
  keep: KeepEnd,
  family: TokenizerFamily,
): { content: ContentPart[]; boundary: 'sentence' | 'word' } {
  const count = (text: string): number => countTextTokens(text, family);
  const kept: (ContentPart | undefined)[] = [...parts];
  const order = keep === 'start' ? parts.keys() : [...parts.keys()].reverse();
  let remaining = textBudget;
  let cutReached = false;
  let boundary: 'sentence' | 'word' = 'sentence';
  for (const index of order) {
    const part = parts[index];
    if (part?.type !== 'text') continue;
    if (cutReached || remaining <= 0) {
      // Past the cut: the kept text must stay one contiguous run.
      kept[index] = undefined;
      cutReached = true;
      continue;
    }
    const trimmed = trimToTokens(part.text, remaining, count, keep);
    remaining -= trimmed.tokens;
    if (trimmed.cut !== 'none') cutReached = true;
    if (trimmed.cut === 'word') boundary = 'word';
    kept[index] = trimmed.text === '' ? undefined : { ...part, text: trimmed.text };
  }
  return { content: kept.filter((part) => part !== undefined), boundary };
}
