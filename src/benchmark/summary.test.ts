import { describe, expect, it } from 'vitest';
import {
  correctnessOf,
  costFigures,
  percentileOfSorted,
  percentiles,
  summarizeTarget,
  tokensPerSecond,
  type Measurement,
} from './summary.ts';

function measurement(overrides: Partial<Measurement> = {}): Measurement {
  return {
    rowId: 'row',
    ok: true,
    errorCode: undefined,
    latencyMs: 100,
    ttftMs: undefined,
    inputTokens: 10,
    outputTokens: 20,
    costUsd: 0.001,
    servedModel: 'm',
    labelled: false,
    verdicts: [],
    ...overrides,
  };
}

describe('percentiles (exact, nearest rank)', () => {
  it('matches the textbook example 15, 20, 35, 40, 50', () => {
    const sorted = [15, 20, 35, 40, 50];
    // rank = ceil(p/100 × 5): p30 → 2, p40 → 2, p50 → 3, p95 → 5, p100 → 5.
    expect(percentileOfSorted(sorted, 30)).toBe(20);
    expect(percentileOfSorted(sorted, 40)).toBe(20);
    expect(percentileOfSorted(sorted, 50)).toBe(35);
    expect(percentileOfSorted(sorted, 95)).toBe(50);
    expect(percentileOfSorted(sorted, 100)).toBe(50);
  });

  it('gives p50 50, p95 95, p99 99 for 1..100 whatever the input order', () => {
    const values = Array.from({ length: 100 }, (_, index) => 100 - index);
    expect(percentiles(values)).toEqual({ p50: 50, p95: 95, p99: 99, max: 100, mean: 50.5 });
  });

  it('gives p99 990 of 1..1000, and the one value of a single sample', () => {
    expect(percentiles(Array.from({ length: 1000 }, (_, index) => index + 1))?.p99).toBe(990);
    expect(percentiles([7])).toEqual({ p50: 7, p95: 7, p99: 7, max: 7, mean: 7 });
  });

  it('takes the upper middle of an even sample for p50, never an interpolation', () => {
    expect(percentiles([3, 1, 2, 4])?.p50).toBe(2);
    expect(percentiles([10, 20])?.p95).toBe(20);
  });

  it('is null with no samples', () => {
    expect(percentiles([])).toBeNull();
    expect(() => percentileOfSorted([], 50)).toThrow(RangeError);
  });
});

describe('tokens per second', () => {
  it('divides a stream by the time after its first token', () => {
    // 100 tokens, 1,500 ms in all, the first after 500 ms: 100 tokens in 1.0 s.
    expect(tokensPerSecond(measurement({ outputTokens: 100, latencyMs: 1_500, ttftMs: 500 }))).toBe(100);
  });

  it('divides a whole answer by its latency', () => {
    expect(tokensPerSecond(measurement({ outputTokens: 100, latencyMs: 2_000 }))).toBe(50);
  });

  it('falls back to the whole latency when everything arrived with the first token', () => {
    expect(tokensPerSecond(measurement({ outputTokens: 10, latencyMs: 200, ttftMs: 200 }))).toBe(50);
  });

  it('is undefined without output tokens', () => {
    expect(tokensPerSecond(measurement({ outputTokens: undefined }))).toBeUndefined();
    expect(tokensPerSecond(measurement({ outputTokens: 0 }))).toBeUndefined();
  });
});

describe('cost figures', () => {
  const measurements = [
    measurement({ costUsd: 0.002, labelled: true, verdicts: [{ kind: 'exact', passed: true }] }),
    measurement({ costUsd: 0.003, labelled: true, verdicts: [{ kind: 'exact', passed: false }] }),
    measurement({ ok: false, errorCode: 'upstream_timeout', costUsd: undefined }),
    measurement({ costUsd: 0.005 }),
  ];

  it('computes per request, per 1k, per success and per correct answer by hand', () => {
    const cost = costFigures(measurements, 3, 1);
    expect(cost.totalUsd).toBeCloseTo(0.01, 12);
    expect(cost.perRequestUsd).toBeCloseTo(0.0025, 12); // 0.010 / 4 requests
    expect(cost.per1kRequestsUsd).toBeCloseTo(2.5, 9);
    expect(cost.perSuccessUsd).toBeCloseTo(0.01 / 3, 12); // failures are paid for by the successes
    expect(cost.perCorrectUsd).toBeCloseTo(0.005, 12); // labelled rows cost 0.005 for 1 correct answer
    expect(cost.unknownCount).toBe(0);
  });

  it('counts successful requests of unknown cost and has no per-success cost without successes', () => {
    const cost = costFigures(
      [measurement({ costUsd: undefined }), measurement({ ok: false, costUsd: undefined })],
      0,
      0,
    );
    expect(cost.unknownCount).toBe(1);
    expect(cost.perSuccessUsd).toBeNull();
    expect(cost.perCorrectUsd).toBeNull();
  });
});

describe('correctness', () => {
  it('counts a row correct only when every verdict passed, per kind too', () => {
    const correctness = correctnessOf([
      measurement({
        labelled: true,
        verdicts: [
          { kind: 'json_schema', passed: true },
          { kind: 'judge', passed: true },
        ],
      }),
      measurement({
        labelled: true,
        verdicts: [
          { kind: 'json_schema', passed: true },
          { kind: 'judge', passed: false },
        ],
      }),
      measurement({ labelled: true, verdicts: [{ kind: 'regex', passed: false }] }),
      // A failed request and an ungraded judge row are labelled but not checked.
      measurement({ labelled: true, ok: false, verdicts: [] }),
      measurement({ labelled: true, verdicts: [] }),
      measurement({ labelled: false }),
    ]);
    expect(correctness).toMatchObject({ labelled: 5, checked: 3, correct: 1 });
    expect(correctness.rate).toBeCloseTo(1 / 3, 12);
    expect(correctness.byKind).toEqual({
      exact: { checked: 0, correct: 0 },
      regex: { checked: 1, correct: 0 },
      json_schema: { checked: 2, correct: 2 },
      judge: { checked: 2, correct: 1 },
    });
  });

  it('has no rate when nothing was checked', () => {
    expect(correctnessOf([measurement()]).rate).toBeNull();
  });
});

describe('summarizeTarget', () => {
  it('rates errors by code and takes latency over successes only', () => {
    const figures = summarizeTarget([
      measurement({ latencyMs: 100, servedModel: 'a' }),
      measurement({ latencyMs: 300, servedModel: 'b' }),
      measurement({ latencyMs: 200, servedModel: 'a' }),
      measurement({ ok: false, errorCode: 'content_filtered', latencyMs: 1, costUsd: undefined }),
      measurement({ ok: false, errorCode: 'upstream_timeout', latencyMs: 9_000, costUsd: undefined }),
      measurement({ ok: false, errorCode: 'content_filtered', latencyMs: 2, costUsd: undefined }),
    ]);
    expect(figures).toMatchObject({ requests: 6, successes: 3, errors: 3, successRate: 0.5, errorRate: 0.5 });
    expect(figures.errorsByCode).toEqual({ content_filtered: 2, upstream_timeout: 1 });
    expect(Object.keys(figures.errorsByCode)).toEqual(['content_filtered', 'upstream_timeout']);
    expect(figures.latencyMs).toEqual({ p50: 200, p95: 300, p99: 300, max: 300, mean: 200 });
    expect(figures.ttftMs).toBeNull();
    expect(figures.servedBy).toEqual({ a: 2, b: 1 });
    expect(figures.inputTokens).toBe(60);
    expect(figures.cost.totalUsd).toBeCloseTo(0.003, 12);
  });
});
