/**
 * Offline evaluation of a learned router on outcome rows, in the two modes the CLI reports:
 *
 * - multi-model (RouterBench): the router's cost–quality points from a λ sweep, its AIQ, quality at fixed
 *   costs, and the cost to reach 95 % of the best single model's quality — beside every single model,
 *   the random router, the zero router and the oracle;
 * - strong/weak (RouteLLM): APGR, CPT(50 %), CPT(80 %) of routing by predicted advantage
 *   (strong − weak), beside the random router and the oracle.
 *
 * The result objects are what `switchyard router eval --json` prints (snake_case keys).
 */

import type { LearnedRouter } from '../learning/router/predict.ts';
import { predictFromFeatures } from '../learning/router/predict.ts';
import { routerFeatures } from '../learning/router/router-features.ts';
import {
  averagePgr,
  callShareCurve,
  callShareToReach,
  curveOnGrid,
  type StrongWeakRows,
} from './binary-metrics.ts';
import {
  averageImprovementInQuality,
  hullCostToReach,
  hullQualityAt,
  logTicksBetween,
  nonDecreasingHull,
  type CostQualityPoint,
  type CostRange,
} from './cost-quality.ts';
import { modelColumn, type OutcomeTable } from './outcome-table.ts';
import {
  oracleCurve,
  oraclePoint,
  randomRouterPoint,
  singleModelPoints,
  type SingleModelPoint,
} from './references.ts';
import { lambdaGrid, sweepUtility, type SweepPoint } from './sweep.ts';

/** Share of the best single model's quality the "cost to reach" figure aims at. */
export const REACH_SHARE_OF_BEST = 0.95;

/** `rows × models` predicted qualities, in `table.models` order (which must be the router's models). */
export function predictTable(router: LearnedRouter, table: OutcomeTable): Float64Array {
  const width = router.models.length;
  const predictions = new Float64Array(table.rows * width);
  const buffer = new Float64Array(width);
  for (let row = 0; row < table.rows; row++) {
    predictFromFeatures(router, routerFeatures(table.texts[row]!, router.features), buffer);
    predictions.set(buffer, row * width);
  }
  return predictions;
}

export interface QualityAtCost {
  readonly cost: number;
  /** Null below the curve's cheapest point. */
  readonly quality: number | null;
}

export interface CostToReach {
  readonly target_quality: number;
  /** Null when the curve never reaches it. */
  readonly cost: number | null;
}

export interface MultiModelEvaluation {
  readonly mode: 'multi';
  readonly rows: number;
  readonly skipped_rows: number;
  readonly cost_range: CostRange;
  readonly aiq: number;
  readonly points: readonly SweepPoint[];
  readonly hull: readonly CostQualityPoint[];
  readonly quality_at_cost: readonly QualityAtCost[];
  readonly cost_to_reach: CostToReach;
  readonly references: {
    readonly models: readonly SingleModelPoint[];
    readonly random: CostQualityPoint;
    readonly zero_router: {
      readonly aiq: number;
      readonly hull: readonly CostQualityPoint[];
      readonly quality_at_cost: readonly QualityAtCost[];
      readonly cost_to_reach: CostToReach;
    };
    readonly oracle: CostQualityPoint & { readonly aiq: number; readonly curve: readonly CostQualityPoint[] };
  };
}

export function evaluateMultiModel(
  router: LearnedRouter,
  table: OutcomeTable,
  options: { readonly costs?: readonly number[]; readonly predictions?: Float64Array } = {},
): MultiModelEvaluation {
  const predictions = options.predictions ?? predictTable(router, table);
  const singles = singleModelPoints(table);
  const range = {
    min: Math.min(...singles.map((point) => point.cost)),
    max: Math.max(...singles.map((point) => point.cost)),
  };
  const points = sweepUtility(table, predictions, router.costs, lambdaGrid(Object.values(router.costs)));
  const hull = nonDecreasingHull(points);
  const zeroHull = nonDecreasingHull(singles);
  const oracle = oracleCurve(table, lambdaGrid([...table.cost]));
  const fixedCosts = options.costs ?? logTicksBetween(range.min, range.max);
  const target = REACH_SHARE_OF_BEST * Math.max(...singles.map((point) => point.quality));
  return {
    mode: 'multi',
    rows: table.rows,
    skipped_rows: table.skipped,
    cost_range: range,
    aiq: averageImprovementInQuality(points, range),
    points,
    hull,
    quality_at_cost: qualitiesAt(hull, fixedCosts),
    cost_to_reach: { target_quality: target, cost: hullCostToReach(hull, target) ?? null },
    references: {
      models: singles,
      random: randomRouterPoint(table),
      zero_router: {
        aiq: averageImprovementInQuality(singles, range),
        hull: zeroHull,
        quality_at_cost: qualitiesAt(zeroHull, fixedCosts),
        cost_to_reach: { target_quality: target, cost: hullCostToReach(zeroHull, target) ?? null },
      },
      oracle: {
        ...oraclePoint(table),
        aiq: averageImprovementInQuality(oracle, range),
        curve: nonDecreasingHull(oracle),
      },
    },
  };
}

function qualitiesAt(hull: readonly CostQualityPoint[], costs: readonly number[]): QualityAtCost[] {
  return costs.map((cost) => ({ cost, quality: hullQualityAt(hull, cost) ?? null }));
}

export interface StrongWeakPoint {
  readonly share: number;
  readonly quality: number;
  readonly cost: number;
  readonly pgr: number;
}

export interface BinaryMetrics {
  readonly apgr: number;
  /** Shares of strong calls (0–1); null when never reached. */
  readonly cpt50: number | null;
  readonly cpt80: number | null;
}

/** Metrics, the APGR grid (`points`, every 10 %) and a finer curve for plots (every 2 %). */
export interface BinaryCurve extends BinaryMetrics {
  readonly points: readonly StrongWeakPoint[];
  readonly curve: readonly StrongWeakPoint[];
}

export interface StrongWeakEvaluation extends BinaryCurve {
  readonly mode: 'binary';
  readonly strong: string;
  readonly weak: string;
  readonly rows: number;
  readonly skipped_rows: number;
  readonly references: {
    readonly strong: CostQualityPoint;
    readonly weak: CostQualityPoint;
    readonly random: BinaryCurve;
    readonly oracle: BinaryCurve;
  };
}

/** `table` holds the strong and weak models' outcomes (other router models need none). */
export function evaluateStrongWeak(
  router: LearnedRouter,
  table: OutcomeTable,
  pair: { readonly strong: string; readonly weak: string },
): StrongWeakEvaluation {
  const width = table.models.length;
  const strongColumn = modelColumn(table, pair.strong);
  const weakColumn = modelColumn(table, pair.weak);
  const column = (values: Float64Array, index: number): Float64Array =>
    Float64Array.from({ length: table.rows }, (_, row) => values[row * width + index]!);
  const rows: StrongWeakRows = {
    strongQuality: column(table.quality, strongColumn),
    weakQuality: column(table.quality, weakColumn),
    strongCost: column(table.cost, strongColumn),
    weakCost: column(table.cost, weakColumn),
  };
  const strongOutput = router.models.indexOf(pair.strong);
  const weakOutput = router.models.indexOf(pair.weak);
  if (strongOutput === -1 || weakOutput === -1) throw new RangeError('strong and weak must be router models');
  const buffer = new Float64Array(router.models.length);
  // The score chooseStrongOrWeak thresholds: predicted strong − weak quality.
  const advantage = Float64Array.from({ length: table.rows }, (_, row) => {
    predictFromFeatures(router, routerFeatures(table.texts[row]!, router.features), buffer);
    return buffer[strongOutput]! - buffer[weakOutput]!;
  });
  const trueAdvantage = Float64Array.from(
    { length: table.rows },
    (_, row) => rows.strongQuality[row]! - rows.weakQuality[row]!,
  );
  const learned = binaryMetrics(rows, advantage);
  return {
    mode: 'binary',
    strong: pair.strong,
    weak: pair.weak,
    rows: table.rows,
    skipped_rows: table.skipped,
    ...learned,
    references: {
      strong: { cost: mean(rows.strongCost), quality: mean(rows.strongQuality) },
      weak: { cost: mean(rows.weakCost), quality: mean(rows.weakQuality) },
      // One constant score: every prompt tied, routed in proportion — the random router.
      random: binaryMetrics(rows, new Float64Array(table.rows)),
      oracle: binaryMetrics(rows, trueAdvantage),
    },
  };
}

function binaryMetrics(rows: StrongWeakRows, scores: Float64Array): BinaryCurve {
  const curve = callShareCurve(rows, scores);
  return {
    apgr: averagePgr(curve),
    cpt50: callShareToReach(curve, 0.5) ?? null,
    cpt80: callShareToReach(curve, 0.8) ?? null,
    points: curveOnGrid(curve),
    curve: curveOnGrid(curve, 50),
  };
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let index = 0; index < values.length; index++) sum += values[index]!;
  return sum / values.length;
}
