import { describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '../learning/router/outcomes.ts';
import { averageImprovementInQuality, nonDecreasingHull } from './cost-quality.ts';
import { buildOutcomeTable } from './outcome-table.ts';
import { oracleCurve, oraclePoint, randomRouterPoint, singleModelPoints } from './references.ts';
import { lambdaGrid, sweepUtility } from './sweep.ts';

// Two models on four prompts: `cheap` (cost 1) is right on prompts 0 and 2, `dear` (cost 3) on 1, 2, 3.
// Singles: cheap (1, 0.5), dear (3, 0.75). Cost range [1, 3].
const CHEAP = [1, 0, 1, 0];
const DEAR = [0, 1, 1, 1];
const RECORDS: OutcomeRecord[] = CHEAP.map((quality, row) => ({
  id: `p${row}`,
  prompt: `prompt ${row}`,
  outcomes: { cheap: { quality, cost: 1 }, dear: { quality: DEAR[row]!, cost: 3 } },
}));
const TABLE = buildOutcomeTable(RECORDS, ['cheap', 'dear']);
const RANGE = { min: 1, max: 3 };
const COSTS = { cheap: 1, dear: 3 };
const LAMBDAS = lambdaGrid([1, 3]);

function predictions(cheap: readonly number[], dear: readonly number[]): Float64Array {
  return Float64Array.from(cheap.flatMap((value, row) => [value, dear[row]!]));
}

describe('references, hand-computed', () => {
  it('single models, random router, oracle', () => {
    expect(singleModelPoints(TABLE)).toEqual([
      { model: 'cheap', cost: 1, quality: 0.5 },
      { model: 'dear', cost: 3, quality: 0.75 },
    ]);
    expect(randomRouterPoint(TABLE)).toEqual({ cost: 2, quality: 0.625 });
    // Best per prompt, cheapest among ties: cheap, dear, cheap (both right), dear.
    expect(oraclePoint(TABLE)).toEqual({ cost: 2, quality: 1 });
  });

  it('zero router AIQ is the mean of the segment between the two models: 0.625', () => {
    expect(averageImprovementInQuality(singleModelPoints(TABLE), RANGE)).toBeCloseTo(0.625, 12);
  });

  it('oracle curve: (1, 0.5) → (2, 1), flat after: AIQ (0.75 + 1) / 2 = 0.875', () => {
    const curve = oracleCurve(TABLE, LAMBDAS);
    expect(nonDecreasingHull(curve)).toEqual([
      { cost: 1, quality: 0.5 },
      { cost: 2, quality: 1 },
    ]);
    expect(averageImprovementInQuality(curve, RANGE)).toBeCloseTo(0.875, 12);
  });
});

describe('λ sweep of a router, hand-computed', () => {
  it('a perfect router (predictions = outcomes) matches the oracle: AIQ 0.875', () => {
    const points = sweepUtility(TABLE, predictions(CHEAP, DEAR), COSTS, LAMBDAS);
    expect(points[0]).toMatchObject({ lambda: 0, cost: 2, quality: 1, shares: { cheap: 0.5, dear: 0.5 } });
    expect(points.at(-1)).toMatchObject({ cost: 1, quality: 0.5, shares: { cheap: 1 } });
    expect(averageImprovementInQuality(points, RANGE)).toBeCloseTo(0.875, 12);
  });

  it('a router with no information (constant predictions) always takes the cheaper model: AIQ 0.5', () => {
    const points = sweepUtility(
      TABLE,
      predictions([0.5, 0.5, 0.5, 0.5], [0.5, 0.5, 0.5, 0.5]),
      COSTS,
      LAMBDAS,
    );
    expect(nonDecreasingHull(points).map(({ cost, quality }) => ({ cost, quality }))).toEqual([
      { cost: 1, quality: 0.5 },
    ]);
    expect(averageImprovementInQuality(points, RANGE)).toBeCloseTo(0.5, 12);
  });

  it('an inverted router (predictions = 1 − outcomes) does worse than the zero router: AIQ 0.5 < 0.625', () => {
    const inverted = (values: readonly number[]) => values.map((value) => 1 - value);
    const points = sweepUtility(TABLE, predictions(inverted(CHEAP), inverted(DEAR)), COSTS, LAMBDAS);
    // λ = 0: dear on prompt 0 (wrong), cheap elsewhere (wrong on 1 and 3): quality 0.25 at cost 1.5.
    expect(points[0]).toMatchObject({ cost: 1.5, quality: 0.25 });
    expect(averageImprovementInQuality(points, RANGE)).toBeCloseTo(0.5, 12);
  });
});

describe('lambdaGrid', () => {
  it('spans 10⁻³ / largest cost to 10³ / smallest cost, with 0 and ∞ at the ends', () => {
    const grid = lambdaGrid([1, 3]);
    expect(grid[0]).toBe(0);
    expect(grid[1]).toBeCloseTo(1e-3 / 3, 12);
    expect(grid.at(-2)).toBeCloseTo(1e3, 6);
    expect(grid.at(-1)).toBe(Number.POSITIVE_INFINITY);
  });
});
