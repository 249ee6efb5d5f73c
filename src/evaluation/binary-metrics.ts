/**
 * Strong/weak routing metrics as RouteLLM defines them (Ong et al. 2024, "RouteLLM", §5.1).
 *
 * A binary router scores each prompt (higher = more worth the strong model) and sends the top share s of
 * prompts to the strong model. With Q(s) the mean quality at share s:
 *
 * - PGR(s) = (Q(s) − Q_weak) / (Q_strong − Q_weak), the performance gap recovered;
 * - APGR = ∫₀¹ PGR(s) ds, approximated as RouteLLM does by the trapezoid rule on an equal grid of call
 *   shares (10 intervals: 0 %, 10 %, …, 100 %);
 * - CPT(x %) = the least share of strong calls at which PGR reaches x %, read exactly off the curve.
 *
 * Ties in the score are spread evenly (a block of equal scores is routed in proportion), so a router with
 * one constant score is exactly the random router: PGR(s) = s and APGR = 0.5.
 */

export interface StrongWeakRows {
  readonly strongQuality: ArrayLike<number>;
  readonly weakQuality: ArrayLike<number>;
  readonly strongCost: ArrayLike<number>;
  readonly weakCost: ArrayLike<number>;
}

export interface CallShareCurve {
  readonly rows: number;
  /** Cumulative quality gain (strong − weak) and cost increase after routing the first k prompts, at block ends. */
  readonly positions: readonly number[];
  readonly qualityGain: readonly number[];
  readonly costIncrease: readonly number[];
  readonly weakQuality: number;
  readonly strongQuality: number;
  readonly weakCost: number;
}

export interface CallSharePoint {
  readonly share: number;
  readonly quality: number;
  readonly cost: number;
  readonly pgr: number;
}

export function callShareCurve(rows: StrongWeakRows, scores: ArrayLike<number>): CallShareCurve {
  const count = scores.length;
  if (count === 0) throw new RangeError('no rows to evaluate');
  const order = Array.from({ length: count }, (_, index) => index).sort(
    (left, right) => scores[right]! - scores[left]! || left - right,
  );
  const positions = [0];
  const qualityGain = [0];
  const costIncrease = [0];
  let gain = 0;
  let increase = 0;
  for (let position = 0; position < count; position++) {
    const row = order[position]!;
    gain += rows.strongQuality[row]! - rows.weakQuality[row]!;
    increase += rows.strongCost[row]! - rows.weakCost[row]!;
    const next = order[position + 1];
    // Only block ends are breakpoints: inside a block of tied scores the curve is linear.
    if (next === undefined || scores[next] !== scores[row]) {
      positions.push(position + 1);
      qualityGain.push(gain);
      costIncrease.push(increase);
    }
  }
  return {
    rows: count,
    positions,
    qualityGain,
    costIncrease,
    weakQuality: mean(rows.weakQuality),
    strongQuality: mean(rows.strongQuality),
    weakCost: mean(rows.weakCost),
  };
}

export function curveAt(curve: CallShareCurve, share: number): CallSharePoint {
  const target = Math.min(Math.max(share, 0), 1) * curve.rows;
  let index = 1;
  while (index < curve.positions.length - 1 && curve.positions[index]! < target) index++;
  const left = curve.positions[index - 1]!;
  const right = curve.positions[index]!;
  const fraction = right === left ? 0 : (target - left) / (right - left);
  const gain = interpolate(curve.qualityGain[index - 1]!, curve.qualityGain[index]!, fraction);
  const increase = interpolate(curve.costIncrease[index - 1]!, curve.costIncrease[index]!, fraction);
  const quality = curve.weakQuality + gain / curve.rows;
  return { share, quality, cost: curve.weakCost + increase / curve.rows, pgr: gapRecovered(curve, quality) };
}

function gapRecovered(curve: CallShareCurve, quality: number): number {
  const gap = curve.strongQuality - curve.weakQuality;
  if (gap === 0) return Number.NaN;
  return (quality - curve.weakQuality) / gap;
}

/** The curve at shares 0, 1/intervals, …, 1. */
export function curveOnGrid(curve: CallShareCurve, intervals = 10): CallSharePoint[] {
  return Array.from({ length: intervals + 1 }, (_, step) => curveAt(curve, step / intervals));
}

/** APGR: the trapezoid mean of PGR over the grid (NaN when strong and weak have equal quality). */
export function averagePgr(curve: CallShareCurve, intervals = 10): number {
  const grid = curveOnGrid(curve, intervals);
  let area = 0;
  for (let index = 1; index < grid.length; index++) area += (grid[index - 1]!.pgr + grid[index]!.pgr) / 2;
  return area / intervals;
}

/**
 * CPT: the least share of strong calls at which PGR reaches `target` (0.5 for CPT(50 %)); undefined
 * when it never does (the strong model is not better, or the target exceeds what the router recovers).
 */
export function callShareToReach(curve: CallShareCurve, target: number): number | undefined {
  const gap = curve.strongQuality - curve.weakQuality;
  if (!(gap > 0)) return undefined;
  const needed = target * gap * curve.rows;
  if (needed <= 0) return 0;
  for (let index = 1; index < curve.positions.length; index++) {
    const before = curve.qualityGain[index - 1]!;
    const after = curve.qualityGain[index]!;
    if (after >= needed - 1e-12) {
      const left = curve.positions[index - 1]!;
      const right = curve.positions[index]!;
      const fraction = after === before ? 0 : Math.max(0, (needed - before) / (after - before));
      return (left + fraction * (right - left)) / curve.rows;
    }
  }
  return undefined;
}

function interpolate(from: number, to: number, fraction: number): number {
  return from + (to - from) * fraction;
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let index = 0; index < values.length; index++) sum += values[index]!;
  return values.length === 0 ? Number.NaN : sum / values.length;
}
