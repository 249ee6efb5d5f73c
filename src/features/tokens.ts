/**
 * Token counting. Exact counts use gpt-tokenizer's BPE tables for the model's family; those tables cost
 * ~60 MB and ~150 ms each to load, so a family is loaded on first use only (synchronously, through the
 * package's CommonJS build) and never for models whose family is `estimate`. Large texts take the
 * estimate path: BPE cost grows with length while routing needs only a close figure there, and the
 * upstream's own usage wins whenever it reports one.
 */

import { createRequire } from 'node:module';
import type { TokenizerFamily } from '../core/model.ts';
import type { ChatRequest, Message } from '../core/request.ts';

interface BpeCounter {
  countTokens(text: string): number;
}

/** Above this many characters a text is estimated rather than tokenized (≈ 16k tokens of English). */
export const EXACT_COUNT_CHAR_LIMIT = 64_000;
/** English averages about four characters per token in both o200k and cl100k. */
const CHARS_PER_TOKEN = 4;
/** OpenAI's chat format adds about three tokens per message for role and separators. */
const TOKENS_PER_MESSAGE = 3;
/** …and three to prime the assistant's reply. */
const TOKENS_PER_REPLY = 3;
/** A rough, vendor-neutral charge per image; exact image costs depend on size and detail. */
const TOKENS_PER_IMAGE = 765;

const requireCommonJs = createRequire(import.meta.url);
const loadedCounters = new Map<Exclude<TokenizerFamily, 'estimate'>, BpeCounter>();

function counterFor(family: Exclude<TokenizerFamily, 'estimate'>): BpeCounter {
  let counter = loadedCounters.get(family);
  if (counter === undefined) {
    const modulePath =
      family === 'o200k' ? 'gpt-tokenizer/cjs/encoding/o200k_base' : 'gpt-tokenizer/cjs/encoding/cl100k_base';
    counter = requireCommonJs(modulePath) as BpeCounter;
    loadedCounters.set(family, counter);
  }
  return counter;
}

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** Tokens in a text: exact for known families below the size limit, estimated otherwise. */
export function countTextTokens(text: string, family: TokenizerFamily): number {
  if (family === 'estimate' || text.length > EXACT_COUNT_CHAR_LIMIT) return estimateTokens(text);
  return counterFor(family).countTokens(text);
}

function messageText(message: Message): { text: string; images: number } {
  let text = '';
  let images = 0;
  for (const part of message.content) {
    if (part.type === 'text') text += part.text;
    else images += 1;
  }
  for (const call of message.toolCalls ?? []) text += call.name + call.arguments;
  return { text, images };
}

/** Prompt tokens of a chat request as the upstream will see it (messages, tools, format overhead). */
export function countPromptTokens(request: ChatRequest, family: TokenizerFamily): number {
  let total = TOKENS_PER_REPLY;
  for (const message of request.messages) {
    const { text, images } = messageText(message);
    total += TOKENS_PER_MESSAGE + countTextTokens(text, family) + images * TOKENS_PER_IMAGE;
  }
  if (request.tools !== undefined && request.tools.length > 0) {
    total += countTextTokens(JSON.stringify(request.tools), family);
  }
  return total;
}
