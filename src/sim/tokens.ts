/**
 * Prompt token counting for the simulator's usage figures and context-window checks. Text up to
 * EXACT_LIMIT characters is counted with the o200k tokenizer (about 15–50 ns per character measured on
 * the 2-core bench machine, so ~0.8 ms at the limit); longer text is estimated from an exact count of
 * its first SAMPLE_CHARS characters, which keeps million-token prompts cheap. Repeated texts (system
 * prompts, benchmark bodies) hit a small cache.
 */

import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { SimPrompt } from './types.ts';

const EXACT_LIMIT = 16_384;
const SAMPLE_CHARS = 4_096;
const CACHE_LIMIT = 2_048;
/** Chat framing per message (role and separators) and for priming the reply, as OpenAI bills them. */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_FOR_REPLY = 3;
/** A flat cost per image part (OpenAI's low-detail figure); the simulator never looks at the pixels. */
const TOKENS_PER_IMAGE = 85;

const cache = new Map<string, number>();

export function countTextTokens(text: string): number {
  if (text.length === 0) return 0;
  if (text.length > EXACT_LIMIT) {
    const sampleTokens = countTokens(text.slice(0, SAMPLE_CHARS));
    return Math.ceil((sampleTokens / SAMPLE_CHARS) * text.length);
  }
  const cached = cache.get(text);
  if (cached !== undefined) return cached;
  const counted = countTokens(text);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, counted);
  return counted;
}

export function countPromptTokens(prompt: SimPrompt): number {
  let total = TOKENS_FOR_REPLY + countTextTokens(prompt.overheadText);
  for (const message of prompt.messages) {
    total += TOKENS_PER_MESSAGE + countTextTokens(message.text) + message.imageCount * TOKENS_PER_IMAGE;
  }
  return total;
}
