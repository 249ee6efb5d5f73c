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

  it('estimates for the estimate family and for very large texts', () => {
    expect(countTextTokens('abcdefgh', 'estimate')).toBe(2);
    const large = 'a'.repeat(EXACT_COUNT_CHAR_LIMIT + 4);
    expect(countTextTokens(large, 'o200k')).toBe(estimateTokens(large));
  });

  it('adds per-message overhead and grows with the conversation', () => {
    const one = countPromptTokens(chat('Hello, world!'), 'o200k');
    const two = countPromptTokens(chat('Hello, world!', 'Hello, world!'), 'o200k');
    expect(one).toBe(3 + 3 + 4);
    expect(two - one).toBe(3 + 4);
  });
});
