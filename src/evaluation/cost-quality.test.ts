import { describe, expect, it } from 'vitest';
import {
  areaUnderHull,
  averageImprovementInQuality,
  hullCostToReach,
  hullQualityAt,
  logTicksBetween,
  nonDecreasingHull,
} from './cost-quality.ts';

// A(1, 0.4), B(2, 0.6), C(4, 0.9) form the hull; D(3, 0.65) lies under B–C (0.75 there) and E(5, 0.85)
// costs more than C for less quality. A twin of B at the same cost with lower quality never counts.
const A = { cost: 1, quality: 0.4 };
const B = { cost: 2, quality: 0.6 };
const C = { cost: 4, quality: 0.9 };
const POINTS = [C, { cost: 3, quality: 0.65 }, A, { cost: 5, quality: 0.85 }, B, { cost: 2, quality: 0.5 }];

describe('non-decreasing convex hull', () => {
  it('keeps the three upper-envelope points up to the best one', () => {
    expect(nonDecreasingHull(POINTS)).toEqual([A, B, C]);
  });

  it('is one point when the cheapest point is also the best', () => {
    expect(
      nonDecreasingHull([
        { cost: 1, quality: 0.9 },
        { cost: 2, quality: 0.5 },
      ]),
    ).toEqual([{ cost: 1, quality: 0.9 }]);
  });

  it('interpolates between vertices, is flat after the best and undefined before the cheapest', () => {
    const hull = nonDecreasingHull(POINTS);
    expect(hullQualityAt(hull, 3)).toBeCloseTo(0.75, 12);
    expect(hullQualityAt(hull, 1.5)).toBeCloseTo(0.5, 12);
    expect(hullQualityAt(hull, 10)).toBe(0.9);
    expect(hullQualityAt(hull, 0.5)).toBeUndefined();
  });

  it('finds the least cost reaching a quality', () => {
    const hull = nonDecreasingHull(POINTS);
    expect(hullCostToReach(hull, 0.75)).toBeCloseTo(3, 12);
    expect(hullCostToReach(hull, 0.3)).toBe(1);
    expect(hullCostToReach(hull, 0.95)).toBeUndefined();
  });
});

describe('AIQ', () => {
  it('is the hull area over the cost range divided by its width', () => {
    // [1,2]: (0.4 + 0.6) / 2 = 0.5; [2,4]: (0.6 + 0.9) / 2 · 2 = 1.5; [4,5]: 0.9 → 2.9 / 4.
    expect(averageImprovementInQuality(POINTS, { min: 1, max: 5 })).toBeCloseTo(0.725, 12);
  });

  it('counts the part of the range below the cheapest point as zero', () => {
    expect(averageImprovementInQuality(POINTS, { min: 0, max: 5 })).toBeCloseTo(2.9 / 5, 12);
    expect(areaUnderHull(nonDecreasingHull(POINTS), 0, 1)).toBe(0);
  });

  it('rejects an empty cost range', () => {
    expect(() => averageImprovementInQuality(POINTS, { min: 2, max: 2 })).toThrow(RangeError);
  });
});

describe('logTicksBetween', () => {
  it('lists 1-2-5 values inside the range', () => {
    expect(logTicksBetween(0.00008, 0.005)).toEqual([0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005]);
  });
});
