import { countTokens as countO200k } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../core/request.ts';
import { countPromptTokens, countTextTokens, EXACT_COUNT_CHAR_LIMIT, estimateTokens } from './tokens.ts';

function chat(...texts: string[]): ChatRequest {
  return {
    model: 'm',
    messages: texts.map((text) => ({ role: 'user', content: [{ type: 'text', text }] })),
    sampling: {},
    stream: false,
    includeUsage: false,
    metadata: {},
  };
}

describe('token counting', () => {
  it('counts exactly with the o200k and cl100k tables', () => {
    // Reference counts from OpenAI's tokenizer for this sentence.
    expect(countTextTokens('Hello, world!', 'o200k')).toBe(4);
    expect(countTextTokens('Hello, world!', 'cl100k')).toBe(4);
    expect(countTextTokens('tokenization', 'cl100k')).toBe(2);
  });

  it('estimates for the estimate family, and large texts from an exact sample within a few percent', () => {
    expect(countTextTokens('abcdefgh', 'estimate')).toBe(2);
    expect(estimateTokens('abcdefgh')).toBe(2);
    const sentence = 'The quick brown fox jumps over the lazy dog near the riverbank at dawn. ';
    const large = sentence.repeat(Math.ceil((EXACT_COUNT_CHAR_LIMIT * 3) / sentence.length));
    const exact = countO200k(large);
    const estimated = countTextTokens(large, 'o200k');
    expect(Math.abs(estimated - exact) / exact).toBeLessThan(0.03);
  });

  it('gives the same count for a repeated text (cached) and keeps families apart', () => {
    const text = 'Summarise the attached quarterly report for the board.';
    expect(countTextTokens(text, 'o200k')).toBe(countTextTokens(text, 'o200k'));
    expect(countTextTokens('tokenization', 'cl100k')).toBe(2);
    expect(countTextTokens('', 'o200k')).toBe(0);
  });

  it('adds per-message overhead and grows with the conversation', () => {
    const one = countPromptTokens(chat('Hello, world!'), 'o200k');
    const two = countPromptTokens(chat('Hello, world!', 'Hello, world!'), 'o200k');
    expect(one).toBe(3 + 3 + 4);
    expect(two - one).toBe(3 + 4);
  });
});
