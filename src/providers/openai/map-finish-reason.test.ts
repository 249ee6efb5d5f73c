import { describe, expect, it } from 'vitest';
import { convertUsage } from './convert-usage.ts';
import { mapFinishReason } from './map-finish-reason.ts';

describe('mapFinishReason', () => {
  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['tool_calls', 'tool_calls'],
    ['function_call', 'tool_calls'],
    ['content_filter', 'content_filter'],
    ['eos', 'other'],
    ['constructor', 'other'],
  ] as const)('%s → %s, raw kept', (raw, unified) => {
    expect(mapFinishReason(raw)).toEqual({ unified, raw });
  });

  it('maps a missing reason to other with a null raw', () => {
    expect(mapFinishReason(null)).toEqual({ unified: 'other', raw: null });
    expect(mapFinishReason(undefined)).toEqual({ unified: 'other', raw: null });
  });
});

describe('convertUsage', () => {
  it('maps cached and reasoning tokens as subsets of input and output', () => {
    expect(
      convertUsage({
        prompt_tokens: 2006,
        completion_tokens: 300,
        prompt_tokens_details: { cached_tokens: 1920 },
        completion_tokens_details: { reasoning_tokens: 192 },
      }),
    ).toEqual({ inputTokens: 2006, outputTokens: 300, cachedInputTokens: 1920, reasoningTokens: 192 });
  });

  it('leaves out details the upstream did not report and zeroes missing totals', () => {
    const usage = convertUsage({ prompt_tokens: 7, prompt_tokens_details: null });
    expect(usage).toEqual({ inputTokens: 7, outputTokens: 0 });
    expect(usage).not.toHaveProperty('cachedInputTokens');
  });
});
