import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/errors.ts';
import type { ResolvedModel } from '../core/model.ts';
import type { ChatRequest } from '../core/request.ts';
import type { SignalValues } from '../features/signal-types.ts';
import { testModel } from '../../test/support/fixtures.ts';
import { filterTargets, promptTokenBound } from './filters.ts';

function model(id: string, contextWindow: number, tags: string[] = []): ResolvedModel {
  return testModel({ id, contextWindow, tags });
}

function request(text: string, maxOutputTokens?: number): ChatRequest {
  return {
    model: 'auto',
    messages: [{ role: 'user', content: [{ type: 'text', text }] }],
    sampling: {},
    stream: false,
    includeUsage: false,
    metadata: {},
    ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
  };
}

/** Signal values that count the prompt as `tokens`, and remember whether anyone asked. */
function counting(tokens: number): SignalValues & { asked: boolean } {
  const values = {
    asked: false,
    get(name: string) {
      if (name === 'prompt_tokens') values.asked = true;
      return name === 'prompt_tokens' ? tokens : undefined;
    },
  };
  return values;
}

describe('target filters', () => {
  it('does not count tokens when the byte bound fits every window', () => {
    const signals = counting(10);
    const result = filterTargets([model('a', 128_000), model('b', 8_000)], {
      request: request('hello '.repeat(100), 500),
      signals,
      requireTags: [],
    });
    expect(result.targets.map((target) => target.id)).toEqual(['a', 'b']);
    expect(signals.asked).toBe(false);
  });

  it('counts when the bound does not settle it, and removes what cannot hold prompt + output', () => {
    const signals = counting(900);
    const result = filterTargets([model('small', 1_000), model('big', 100_000)], {
      request: request('word '.repeat(900), 200),
      signals,
      requireTags: [],
    });
    expect(signals.asked).toBe(true);
    expect(result.targets.map((target) => target.id)).toEqual(['big']);
    expect(result.removed).toEqual([
      {
        target: 'small',
        filter: 'context_window',
        reason: 'prompt 900 + output 200 tokens exceed its 1000-token window',
      },
    ]);
  });

  it('counts in each target’s own tokenizer family when it knows one', () => {
    const signals = counting(999_999); // the o200k signal would say it cannot fit
    const cl100k = { ...model('gpt-4', 1_000), tokenizer: 'cl100k' as const };
    const result = filterTargets([cl100k], {
      request: request('word '.repeat(300), 10),
      signals,
      requireTags: [],
    });
    expect(signals.asked).toBe(false);
    expect(result.targets.map((target) => target.id)).toEqual(['gpt-4']);
  });

  it('keeps only targets carrying every required tag', () => {
    const result = filterTargets([model('us', 100_000, ['zdr']), model('eu', 100_000, ['eu', 'zdr'])], {
      request: request('hi'),
      signals: counting(1),
      requireTags: ['eu', 'zdr'],
    });
    expect(result.targets.map((target) => target.id)).toEqual(['eu']);
    expect(result.removed[0]).toMatchObject({
      target: 'us',
      filter: 'tags',
      reason: 'lacks required tag(s) eu',
    });
  });

  it('names the constraint that emptied the set', () => {
    const tooLong = (): unknown =>
      filterTargets([model('small', 1_000)], {
        request: request('x '.repeat(2000), 10),
        signals: counting(2000),
        requireTags: [],
      });
    expect(tooLong).toThrow(GatewayError);
    try {
      tooLong();
    } catch (error) {
      expect((error as GatewayError).code).toBe('context_length_exceeded');
      expect((error as GatewayError).message).toContain('2000 prompt + 10 output');
    }
    const untagged = (): unknown =>
      filterTargets([model('a', 1_000)], {
        request: request('hi'),
        signals: counting(1),
        requireTags: ['eu'],
      });
    expect(untagged).toThrow(/carries the tags/);
  });

  it('bounds prompt tokens from above without reading the text', () => {
    const text = 'naïve café — 東京 ';
    expect(promptTokenBound(request(text))).toBeGreaterThanOrEqual(Buffer.byteLength(text));
  });
});
