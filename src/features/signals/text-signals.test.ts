import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/request.ts';
import { DEFAULT_COMPLEXITY } from '../complexity.ts';
import { createSignalRegistry } from './index.ts';

function request(...turns: string[]): ChatRequest {
  return {
    model: 'auto',
    messages: turns.map((text, index) => ({
      role: index % 2 === 0 ? 'user' : 'assistant',
      content: [{ type: 'text', text }],
    })),
    sampling: {},
    stream: false,
    includeUsage: false,
    metadata: {},
  };
}

describe('text signals', () => {
  it('gives the complexity tier and score, tuned by the settings', () => {
    const values = createSignalRegistry().valuesFor({ request: request('hi'), headers: {} });
    expect(values.get('complexity')).toBe('trivial');
    expect(values.get('complexity_score')).toBe(0);
    const eager = { ...DEFAULT_COMPLEXITY, boundedAt: 0, extendedAt: 0 };
    const tuned = createSignalRegistry({ complexity: eager }).valuesFor({
      request: request('hi'),
      headers: {},
    });
    expect(tuned.get('complexity')).toBe('extended');
  });

  it('classifies the last user turn once for both intent signals', () => {
    const seen: string[] = [];
    const registry = createSignalRegistry({
      intent: {
        kind: 'in-process',
        classify(text) {
          seen.push(text);
          return text.includes('refund')
            ? { label: 'billing', confidence: 0.9 }
            : { label: 'oos', confidence: 0.2 };
        },
      },
    });
    const values = registry.valuesFor({ request: request('hello', 'Hi!', 'I want a refund'), headers: {} });
    expect(values.get('intent')).toBe('billing');
    expect(values.get('intent_confidence')).toBe(0.9);
    expect(seen).toEqual(['I want a refund']);

    // A turn sent as two user messages is read whole; earlier turns are not.
    const twoPart: ChatRequest = {
      ...request('old question', 'old answer'),
      messages: [
        ...request('old question', 'old answer').messages,
        { role: 'user', content: [{ type: 'text', text: 'context: order 42' }] },
        { role: 'user', content: [{ type: 'text', text: 'refund it' }] },
      ],
    };
    registry.valuesFor({ request: twoPart, headers: {} }).get('intent');
    expect(seen.at(-1)).toBe('context: order 42\nrefund it');
  });

  it('prepares an embedding classification before rules read it, once per request', async () => {
    let calls = 0;
    const registry = createSignalRegistry({
      intent: {
        kind: 'embedding',
        classify: (text) => {
          calls += 1;
          return Promise.resolve({ label: text.length > 3 ? 'long' : 'short', confidence: 0.7 });
        },
      },
    });
    const context = { request: request('hello there'), headers: {} };
    await registry.prepare(context);
    const values = registry.valuesFor(context);
    expect(values.get('intent')).toBe('long');
    expect(values.get('intent_confidence')).toBe(0.7);
    expect(calls).toBe(1);
    // Not prepared (or the call failed): missing, with the reason.
    const unprepared = registry.valuesFor({ request: request('hi'), headers: {} });
    expect(unprepared.get('intent')).toBeUndefined();
    expect(unprepared.failures()[0]?.message).toContain('not prepared');
    expect(createSignalRegistry().prepare(context)).toBeUndefined();
  });

  it('reads intent as missing, with the reason kept, when no classifier is configured', () => {
    const values = createSignalRegistry().valuesFor({ request: request('hello'), headers: {} });
    expect(values.get('intent')).toBeUndefined();
    expect(
      values
        .failures()
        .map((failure) => failure.message)
        .join(),
    ).toContain('signals.intent');
  });
});
