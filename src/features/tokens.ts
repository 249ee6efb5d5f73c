/**
 * Token counting — the one counter, used by the gateway and the simulator alike. Exact counts use
 * gpt-tokenizer's BPE tables for the model's family; those tables cost ~60 MB and ~150 ms each to load,
 * so a family is loaded on first use only (synchronously, through the package's CommonJS build) and never
 * for models whose family is `estimate`. Exact counting costs 15–50 ns per character, so texts beyond
 * EXACT_COUNT_CHAR_LIMIT are estimated from an exact count of their first ESTIMATE_SAMPLE_CHARS
 * characters; repeated texts (system prompts) hit a small cache. The upstream's own usage wins whenever
 * it reports one.
 */

import { createRequire } from 'node:module';
import type { TokenizerFamily } from '../core/model.ts';
import type { ChatRequest, Message } from '../core/request.ts';

interface BpeCounter {
  countTokens(text: string): number;
}

/** Above this many characters a text is estimated rather than tokenized (≈ 0.8 ms of exact counting). */
export const EXACT_COUNT_CHAR_LIMIT = 16_384;
/** How much of a long text is counted exactly to estimate the whole. */
const ESTIMATE_SAMPLE_CHARS = 4_096;
/** Distinct texts whose exact counts are remembered. */
const COUNT_CACHE_LIMIT = 2_048;
/** English averages about four characters per token in both o200k and cl100k. */
const CHARS_PER_TOKEN = 4;
/** OpenAI's chat format adds about three tokens per message for role and separators. */
export const TOKENS_PER_MESSAGE = 3;
/** …and three to prime the assistant's reply. */
export const TOKENS_PER_REPLY = 3;
/** A rough, vendor-neutral charge per image; exact image costs depend on size and detail. */
const TOKENS_PER_IMAGE = 765;

const requireCommonJs = createRequire(import.meta.url);
const loadedCounters = new Map<Exclude<TokenizerFamily, 'estimate'>, BpeCounter>();
const exactCounts = new Map<string, number>();

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
  if (text.length === 0) return 0;
  if (family === 'estimate') return estimateTokens(text);
  const counter = counterFor(family);
  if (text.length > EXACT_COUNT_CHAR_LIMIT) {
    const sampleTokens = counter.countTokens(text.slice(0, ESTIMATE_SAMPLE_CHARS));
    return Math.ceil((sampleTokens / ESTIMATE_SAMPLE_CHARS) * text.length);
  }
  const key = family === 'o200k' ? text : `cl100k\u0000${text}`;
  const cached = exactCounts.get(key);
  if (cached !== undefined) return cached;
  const counted = counter.countTokens(text);
  if (exactCounts.size >= COUNT_CACHE_LIMIT) exactCounts.clear();
  exactCounts.set(key, counted);
  return counted;
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
