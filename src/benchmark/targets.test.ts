import { describe, expect, it } from 'vitest';
import type { CallResult } from './gateway-client.ts';
import { callCostUsd, factsFromModelList, modelsOf, parseTargets, unknownTargets } from './targets.ts';

const MODEL_LIST = {
  object: 'list',
  data: [
    { id: 'auto', object: 'model', switchyard: { kind: 'route', route: 'default' } },
    {
      id: 'fast-first',
      object: 'model',
      switchyard: { kind: 'route', strategy: 'fallback', targets: ['lite', 'mid'] },
    },
    {
      id: 'lite',
      object: 'model',
      switchyard: {
        kind: 'model',
        provider: 'sim',
        context_window: 128_000,
        max_output_tokens: 16_384,
        pricing_usd_per_million: { input: 0.4, output: 1.6 },
      },
    },
  ],
};

function answered(overrides: Partial<CallResult>): CallResult {
  return {
    ok: true,
    errorCode: undefined,
    errorMessage: undefined,
    latencyMs: 1,
    ttftMs: undefined,
    text: '',
    usage: undefined,
    servedModel: 'lite',
    provider: 'sim',
    headerCostUsd: undefined,
    ...overrides,
  };
}

describe('targets', () => {
  it('parses model ids and route:<name>, trimming spaces', () => {
    expect(parseTargets('lite, route:fast-first')).toEqual([
      { label: 'lite', kind: 'model', name: 'lite' },
      { label: 'route:fast-first', kind: 'route', name: 'fast-first' },
    ]);
  });

  it('rejects an empty list, a repeated target and a nameless route', () => {
    expect(() => parseTargets(' , ')).toThrow('at least one');
    expect(() => parseTargets('a,a')).toThrow("lists 'a' twice");
    expect(() => parseTargets('route:')).toThrow('names no route');
  });

  it('reads facts from GET /v1/models and names unknown targets', () => {
    const facts = factsFromModelList(MODEL_LIST);
    expect(facts.models.get('lite')).toEqual({
      id: 'lite',
      provider: 'sim',
      contextWindow: 128_000,
      maxOutputTokens: 16_384,
      pricing: { inputPerMillion: 0.4, outputPerMillion: 1.6 },
      note: undefined,
    });
    expect(facts.routes.get('fast-first')?.targets).toEqual(['lite', 'mid']);
    const targets = parseTargets('lite,route:fast-first,nope,route:none');
    expect(unknownTargets(targets, facts)).toEqual([
      "unknown model 'nope' (known: lite)",
      "unknown route 'none' (known: fast-first)",
    ]);
    // A route's facts are those of the targets the gateway describes.
    expect(modelsOf(targets[1]!, facts).map((model) => model.id)).toEqual(['lite']);
  });

  it('costs a call from the gateway header, else usage × the served model price', () => {
    const facts = factsFromModelList(MODEL_LIST);
    expect(callCostUsd(answered({ headerCostUsd: 0.5 }), facts)).toBe(0.5);
    // 1,000 input tokens at $0.40/M + 500 output tokens at $1.60/M = 0.0004 + 0.0008.
    expect(callCostUsd(answered({ usage: { inputTokens: 1_000, outputTokens: 500 } }), facts)).toBeCloseTo(
      0.0012,
      12,
    );
    expect(
      callCostUsd(answered({ usage: { inputTokens: 1, outputTokens: 1 }, servedModel: 'other' }), facts),
    ).toBeUndefined();
    expect(callCostUsd(answered({}), facts)).toBeUndefined();
  });
});
