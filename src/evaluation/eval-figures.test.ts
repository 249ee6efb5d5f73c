import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOutcomes } from '../learning/router/read-outcomes.ts';
import type { EvalCall } from './eval-client.ts';
import {
  positionOf,
  referenceFigures,
  scoreCalls,
  UNRECORDED_CODE,
  type UpstreamOf,
} from './eval-figures.ts';

// The six complete rows of the hand-made file: e1–e3 easy, h1–h3 hard (s1 lacks `cheap`).
const FIXTURE = join(import.meta.dirname, '../../test/fixtures/outcomes-small.jsonl');
const rows = (await loadOutcomes(FIXTURE)).map((row) => row.record).slice(0, 6);

const UPSTREAMS: Readonly<Record<string, string>> = { big: 'strong', small: 'cheap' };
const upstreamOf: UpstreamOf = (model, provider) => (provider === 'recorded' ? UPSTREAMS[model] : undefined);

function served(route: string, model: string, provider = 'recorded'): EvalCall {
  return { ok: true, route, servedModel: model, provider, errorCode: undefined };
}

function failed(route: string | undefined, code: string): EvalCall {
  return { ok: false, route, servedModel: undefined, provider: undefined, errorCode: code };
}

describe('scoreCalls', () => {
  it('adds the recorded cost of every answer paid for before the served one (a cascade)', () => {
    const escalated: EvalCall = {
      ...served('cascade', 'big'),
      alsoAnswered: [{ model: 'small', provider: 'recorded' }],
    };
    const plain = scoreCalls('auto', rows.slice(3, 4), [served('cascade', 'big')], upstreamOf);
    const cascaded = scoreCalls('auto', rows.slice(3, 4), [escalated], upstreamOf);
    const row = rows[3]!;
    expect(plain.overall.total_cost).toBeCloseTo(row.outcomes.strong!.cost, 12);
    expect(cascaded.overall.total_cost).toBeCloseTo(row.outcomes.strong!.cost + row.outcomes.cheap!.cost, 12);
    expect(cascaded.overall.mean_quality).toBe(row.outcomes.strong!.quality);
  });

  it('scores each row by the recorded outcome of the model that served it', () => {
    // The rules config of the CLI test: short prompts to `small` (route easy), long ones to `big` (hard).
    const calls = [
      served('easy', 'small'),
      served('easy', 'small'),
      served('easy', 'small'),
      served('hard', 'big'),
      served('hard', 'big'),
      served('hard', 'big'),
    ];
    const figures = scoreCalls('auto', rows, calls, upstreamOf);
    expect(figures.rows).toBe(6);
    expect(figures.overall).toMatchObject({ requests: 6, share: 1, errors: 0, error_rate: 0 });
    expect(figures.overall.mean_quality).toBeCloseTo(4 / 6, 12);
    expect(figures.overall.total_cost).toBeCloseTo(0.063, 12);
    expect(figures.overall.mean_cost).toBeCloseTo(0.0105, 12);
    // Nearest rank over 200, 250, 300, 2000, 2500, 3000.
    expect(figures.overall.latency_ms).toEqual({ p50: 300, p95: 3000, samples: 6 });

    const easy = figures.by_route.find((group) => group.key === 'easy');
    expect(easy).toMatchObject({ requests: 3, share: 0.5, latency_ms: { p50: 250, p95: 300, samples: 3 } });
    expect(easy?.mean_quality).toBeCloseTo(2 / 3, 12);
    expect(easy?.mean_cost).toBeCloseTo(0.001, 12);
    expect(figures.by_model.map((group) => group.key).sort()).toEqual(['big (strong)', 'small (cheap)']);
  });

  it('counts failed and unrecorded rows as errors with quality 0, cost 0 and no latency', () => {
    const calls = [
      served('easy', 'small'),
      failed('easy', 'upstream_not_found'),
      failed(undefined, 'no_eligible_target'),
      served('hard', 'big'),
      served('hard', 'elsewhere', 'sim'),
      served('hard', 'big'),
    ];
    const figures = scoreCalls('auto', rows, calls, upstreamOf);
    expect(figures.overall.errors).toBe(3);
    expect(figures.overall.error_rate).toBe(0.5);
    expect(figures.overall.errors_by_code).toEqual({
      upstream_not_found: 1,
      no_eligible_target: 1,
      [UNRECORDED_CODE]: 1,
    });
    // Quality: e1 small 1, h1 big 1, h3 big 1; the three errors count 0.
    expect(figures.overall.mean_quality).toBeCloseTo(3 / 6, 12);
    expect(figures.overall.total_cost).toBeCloseTo(0.001 + 0.02 + 0.02, 12);
    expect(figures.overall.latency_ms).toEqual({ p50: 2000, p95: 2500, samples: 3 });
    expect(figures.by_route.map((group) => [group.key, group.requests])).toEqual([
      ['hard', 3],
      ['easy', 2],
      ['(none)', 1],
    ]);
    expect(figures.by_model.find((group) => group.key === 'elsewhere')?.errors_by_code).toEqual({
      [UNRECORDED_CODE]: 1,
    });
  });
});

describe('references and position', () => {
  const references = referenceFigures(rows, ['strong', 'cheap']);

  it('gives each single model and the oracle on the same rows', () => {
    const strong = references.models.find((model) => model.model === 'strong');
    const cheap = references.models.find((model) => model.model === 'cheap');
    expect(strong?.quality).toBeCloseTo(5 / 6, 12);
    expect(strong?.mean_cost).toBeCloseTo(0.015, 12);
    expect(cheap?.quality).toBeCloseTo(0.5, 12);
    expect(cheap?.mean_cost).toBeCloseTo(0.0015, 12);
    // Best per row, cheapest among ties: cheap on e1, e3, h2 (both wrong), h3; strong on e2, h1.
    expect(references.oracle.quality).toBeCloseTo(5 / 6, 12);
    expect(references.oracle.mean_cost).toBeCloseTo(0.036 / 6, 12);
  });

  it('places the config against them', () => {
    const calls = [
      served('easy', 'small'),
      served('easy', 'small'),
      served('easy', 'small'),
      served('hard', 'big'),
      served('hard', 'big'),
      served('hard', 'big'),
    ];
    const position = positionOf(scoreCalls('auto', rows, calls, upstreamOf).overall, references);
    expect(position.best_single_model.model).toBe('strong');
    expect(position.share_of_oracle_quality).toBeCloseTo(0.8, 12);
    expect(position.quality_vs_best_single).toBeCloseTo(4 / 6 - 5 / 6, 12);
    expect(position.cost_ratio_vs_best_single).toBeCloseTo(0.7, 12);
    // The segment from cheap to strong reaches 0.5 + (1/3)·(0.009 / 0.0135) = 0.7222 at $0.0105.
    expect(position.quality_vs_single_model_hull).toBeCloseTo(4 / 6 - (0.5 + 2 / 9), 12);
    expect(position.dominated_by).toEqual([]);
  });

  it('names a single model that is as good for less', () => {
    const allBig = rows.map(() => served('hard', 'big'));
    const position = positionOf(scoreCalls('big', rows, allBig, upstreamOf).overall, references);
    expect(position.quality_vs_best_single).toBeCloseTo(0, 12);
    expect(position.dominated_by).toEqual([]);
    const wasteful = [
      served('hard', 'big'),
      served('easy', 'small'),
      served('hard', 'big'),
      served('easy', 'small'),
      served('hard', 'big'),
      served('easy', 'small'),
    ];
    // e1 1, e2 0, e3 1, h1 0, h2 0, h3 1 = 0.5 at $0.0075 a request: `cheap` is as good for less.
    const mixed = positionOf(scoreCalls('auto', rows, wasteful, upstreamOf).overall, references);
    expect(mixed.dominated_by).toEqual(['cheap']);
  });
});
