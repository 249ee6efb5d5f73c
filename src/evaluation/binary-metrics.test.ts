import { describe, expect, it } from 'vitest';
import { averagePgr, callShareCurve, callShareToReach, curveAt, curveOnGrid } from './binary-metrics.ts';

// Four prompts. The strong model wins on prompts 0 and 2 (gain 1 each), ties on 1 and 3.
// Q_strong = 0.75, Q_weak = 0.25; the strong model costs 1, the weak 0.1.
const ROWS = {
  strongQuality: [1, 1, 1, 0],
  weakQuality: [0, 1, 0, 0],
  strongCost: [1, 1, 1, 1],
  weakCost: [0.1, 0.1, 0.1, 0.1],
};

describe('RouteLLM metrics, hand-computed', () => {
  it('perfect router: PGR(s) = min(2s, 1), APGR 0.75, CPT(50%) 25 %, CPT(80%) 40 %', () => {
    const curve = callShareCurve(ROWS, [0.9, 0.1, 0.8, 0.2]);
    expect(curveOnGrid(curve).map((point) => point.pgr)).toEqual(
      [0, 0.2, 0.4, 0.6, 0.8, 1, 1, 1, 1, 1, 1].map((value) => expect.closeTo(value, 12) as number),
    );
    // Trapezoids: 0.1 + 0.3 + 0.5 + 0.7 + 0.9 + 5 · 1 = 7.5, over 10 intervals.
    expect(averagePgr(curve)).toBeCloseTo(0.75, 12);
    expect(callShareToReach(curve, 0.5)).toBeCloseTo(0.25, 12);
    expect(callShareToReach(curve, 0.8)).toBeCloseTo(0.4, 12);
    expect(curveAt(curve, 0.5).quality).toBeCloseTo(0.75, 12);
    expect(curveAt(curve, 0.5).cost).toBeCloseTo(0.1 + 0.9 * 0.5, 12);
  });

  it('random router (one constant score): PGR(s) = s, APGR 0.5, CPT(x) = x', () => {
    const curve = callShareCurve(ROWS, [0, 0, 0, 0]);
    expect(curveAt(curve, 0.3).pgr).toBeCloseTo(0.3, 12);
    expect(averagePgr(curve)).toBeCloseTo(0.5, 12);
    expect(callShareToReach(curve, 0.5)).toBeCloseTo(0.5, 12);
    expect(callShareToReach(curve, 0.8)).toBeCloseTo(0.8, 12);
  });

  it('inverted router: PGR(s) = max(0, 2s − 1), APGR 0.25, CPT(50%) 75 %, CPT(80%) 90 %', () => {
    const curve = callShareCurve(ROWS, [-0.9, -0.1, -0.8, -0.2]);
    expect(curveAt(curve, 0.5).pgr).toBeCloseTo(0, 12);
    expect(curveAt(curve, 0.8).pgr).toBeCloseTo(0.6, 12);
    expect(averagePgr(curve)).toBeCloseTo(0.25, 12);
    expect(callShareToReach(curve, 0.5)).toBeCloseTo(0.75, 12);
    expect(callShareToReach(curve, 0.8)).toBeCloseTo(0.9, 12);
  });

  it('has no PGR when the two models are equally good', () => {
    const curve = callShareCurve({ ...ROWS, weakQuality: ROWS.strongQuality }, [1, 2, 3, 4]);
    expect(averagePgr(curve)).toBeNaN();
    expect(callShareToReach(curve, 0.5)).toBeUndefined();
  });
});
