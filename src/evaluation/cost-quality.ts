/**
 * Cost–quality curves as RouterBench measures routers (Hu et al. 2024, "RouterBench", §3):
 *
 * - A router is a set of operating points (mean cost per query, mean quality). Mixing two operating points
 *   at random reaches any point on the segment between them, and spending less than a budget is always
 *   allowed, so what a router achieves at cost c is the **non-decreasing convex hull** of its points:
 *   H(c) = max { Σ wᵢ qᵢ : Σ wᵢ cᵢ ≤ c, wᵢ ≥ 0, Σ wᵢ = 1 } — the upper concave envelope from the cheapest
 *   point up to the best one, flat after it, and undefined (counted as 0) below the cheapest point.
 * - **AIQ** (average improvement in quality) is the mean of H over a cost range [c_min, c_max]:
 *   AIQ = 1 / (c_max − c_min) · ∫ H(c) dc. We take the range of the single models' mean costs on the
 *   evaluated rows, so routers on one data set are comparable.
 */

export interface CostQualityPoint {
  readonly cost: number;
  readonly quality: number;
}

export interface CostRange {
  readonly min: number;
  readonly max: number;
}

/** The vertices of H, by increasing cost; the last vertex is the best quality (H is flat beyond it). */
export function nonDecreasingHull(points: readonly CostQualityPoint[]): CostQualityPoint[] {
  const sorted = points
    .filter((point) => Number.isFinite(point.cost) && Number.isFinite(point.quality))
    .toSorted((left, right) => left.cost - right.cost || right.quality - left.quality);
  const hull: CostQualityPoint[] = [];
  for (const point of sorted) {
    const last = hull[hull.length - 1];
    // Same cost, lower (or equal) quality: never on the upper envelope.
    if (last !== undefined && last.cost === point.cost) continue;
    while (hull.length >= 2 && !turnsDown(hull[hull.length - 2]!, hull[hull.length - 1]!, point)) hull.pop();
    hull.push(point);
  }
  // Cut after the first vertex of best quality: beyond it, paying more buys nothing.
  let best = 0;
  for (let index = 1; index < hull.length; index++)
    if (hull[index]!.quality > hull[best]!.quality) best = index;
  return hull.slice(0, best + 1);
}

/** True when `middle` lies strictly above the segment from `left` to `right` (a concave turn). */
function turnsDown(left: CostQualityPoint, middle: CostQualityPoint, right: CostQualityPoint): boolean {
  const cross =
    (middle.cost - left.cost) * (right.quality - left.quality) -
    (middle.quality - left.quality) * (right.cost - left.cost);
  return cross < 0;
}

/** H(cost) on a hull from `nonDecreasingHull`; undefined below its cheapest vertex. */
export function hullQualityAt(hull: readonly CostQualityPoint[], cost: number): number | undefined {
  const first = hull[0];
  if (first === undefined || cost < first.cost) return undefined;
  for (let index = 1; index < hull.length; index++) {
    const right = hull[index]!;
    if (cost <= right.cost) {
      const left = hull[index - 1]!;
      return left.quality + ((right.quality - left.quality) * (cost - left.cost)) / (right.cost - left.cost);
    }
  }
  return hull[hull.length - 1]!.quality;
}

/** The least cost at which H reaches `quality`; undefined if it never does. */
export function hullCostToReach(hull: readonly CostQualityPoint[], quality: number): number | undefined {
  const first = hull[0];
  if (first === undefined) return undefined;
  if (first.quality >= quality) return first.cost;
  for (let index = 1; index < hull.length; index++) {
    const right = hull[index]!;
    if (right.quality >= quality) {
      const left = hull[index - 1]!;
      return (
        left.cost + ((right.cost - left.cost) * (quality - left.quality)) / (right.quality - left.quality)
      );
    }
  }
  return undefined;
}

/** ∫ H(c) dc over [from, to], H = 0 below the hull's cheapest vertex and flat after its last. */
export function areaUnderHull(hull: readonly CostQualityPoint[], from: number, to: number): number {
  if (hull.length === 0 || to <= from) return 0;
  // Breakpoints of the piecewise-linear H inside the interval; trapezoids between them are exact.
  const breakpoints = [
    from,
    ...hull.map((point) => point.cost).filter((cost) => cost > from && cost < to),
    to,
  ];
  let area = 0;
  for (let index = 1; index < breakpoints.length; index++) {
    const left = Math.max(breakpoints[index - 1]!, hull[0]!.cost);
    const right = breakpoints[index]!;
    if (right <= left) continue;
    area += ((hullQualityAt(hull, left) ?? 0) + (hullQualityAt(hull, right) ?? 0)) * 0.5 * (right - left);
  }
  return area;
}

/** RouterBench's AIQ of a set of operating points over a cost range (see the file comment). */
export function averageImprovementInQuality(points: readonly CostQualityPoint[], range: CostRange): number {
  if (!(range.max > range.min)) throw new RangeError('AIQ needs a cost range with max > min');
  return areaUnderHull(nonDecreasingHull(points), range.min, range.max) / (range.max - range.min);
}

/** Round values 1, 2 and 5 × 10ⁿ inside [low, high] (positive): default costs to report, and log-axis ticks. */
export function logTicksBetween(low: number, high: number): number[] {
  const ticks: number[] = [];
  if (!(low > 0) || !(high >= low)) return ticks;
  for (let exponent = Math.floor(Math.log10(low)); exponent <= Math.ceil(Math.log10(high)); exponent++) {
    for (const factor of [1, 2, 5]) {
      const tick = Number((factor * 10 ** exponent).toPrecision(12));
      if (tick >= low && tick <= high) ticks.push(tick);
    }
  }
  return ticks;
}
