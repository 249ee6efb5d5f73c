/**
 * Prompt tokens for the simulator's usage figures and context-window checks, counted with the gateway's
 * one token counter (o200k, exact for ordinary prompts, estimated from a sample for huge ones). Only the
 * prompt framing is the simulator's own.
 */

import { countTextTokens, TOKENS_PER_MESSAGE, TOKENS_PER_REPLY } from '../features/tokens.ts';
import type { SimPrompt } from './types.ts';

/** A flat cost per image part (OpenAI's low-detail figure); the simulator never looks at the pixels. */
const TOKENS_PER_IMAGE = 85;

export function countPromptTokens(prompt: SimPrompt): number {
  let total = TOKENS_PER_REPLY + countTextTokens(prompt.overheadText, 'o200k');
  for (const message of prompt.messages) {
    total +=
      TOKENS_PER_MESSAGE + countTextTokens(message.text, 'o200k') + message.imageCount * TOKENS_PER_IMAGE;
  }
  return total;
}
