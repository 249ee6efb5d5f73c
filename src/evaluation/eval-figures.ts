/**
 * `switchyard eval`'s figures: each row scored by the recorded outcome of the model the config served
 * it with — quality, cost and latency as recorded, not as the replay measured them — grouped overall,
 * by route and by served model, beside each single model and the oracle on the same rows.
 *
 * - A row that failed in the gateway (or was served by a model without a recording for it) is an error:
 *   quality 0, cost 0, no latency.
 * - Latency percentiles are nearest-rank over the rows with a recorded `latency_ms`; null when none has.
 * - The oracle is the best recorded quality per row, the cheapest model among ties.
 *
 * The object is what `switchyard eval --json` prints (snake_case keys, documented in
 * docs/benchmarking.md).
 */

import { percentileOfSorted } from '../benchmark/summary.ts';
import type { OutcomeRecord } from '../learning/router/outcomes.ts';
import { hullQualityAt, nonDecreasingHull } from './cost-quality.ts';
import type { EvalCall } from './eval-client.ts';
import { buildOutcomeTable } from './outcome-table.ts';
import { oraclePoint, singleModelPoints } from './references.ts';

/** Served but not scoreable: the row has no recorded outcome for the serving model. */
export const UNRECORDED_CODE = 'unrecorded_outcome';

export interface LatencyFigures {
  readonly p50: number;
  readonly p95: number;
  /** Rows whose recorded latency the percentiles are taken over. */
  readonly samples: number;
}

export interface GroupFigures {
  readonly key: string;
  readonly requests: number;
  readonly share: number;
  readonly mean_quality: number;
  readonly total_cost: number;
  readonly mean_cost: number;
  readonly latency_ms: LatencyFigures | null;
  readonly errors: number;
  readonly error_rate: number;
  readonly errors_by_code: Readonly<Record<string, number>>;
}

export interface ModelReference {
  /** The outcomes' model id (the replay `upstream`). */
  readonly model: string;
  readonly quality: number;
  readonly mean_cost: number;
}

export interface EvalFigures {
  readonly target: string;
  readonly rows: number;
  readonly overall: GroupFigures;
  readonly by_route: readonly GroupFigures[];
  /** Keyed `<model id> (<outcomes model>)` when the two differ. */
  readonly by_model: readonly GroupFigures[];
}

export interface EvalReferences {
  readonly models: readonly ModelReference[];
  readonly oracle: { readonly quality: number; readonly mean_cost: number };
}

export interface EvalPosition {
  readonly share_of_oracle_quality: number | null;
  readonly best_single_model: ModelReference;
  readonly quality_vs_best_single: number;
  /** Mean cost over the best single model's; null when that costs nothing. */
  readonly cost_ratio_vs_best_single: number | null;
  /**
   * Quality above (positive) or below the single models' cost–quality hull at the same mean cost: what
   * mixing fixed models at random reaches without looking at prompts. Null below the cheapest model.
   */
  readonly quality_vs_single_model_hull: number | null;
  /** Single models at least as good for no more cost, and better on one of the two. */
  readonly dominated_by: readonly string[];
}

/** What served one row, scored. */
interface ScoredRow {
  readonly route: string;
  readonly model: string | undefined;
  readonly quality: number;
  readonly cost: number;
  readonly latencyMs: number | undefined;
  readonly errorCode: string | undefined;
}

/** The outcomes model id behind a served model id on a provider; undefined when it is not replayed. */
export type UpstreamOf = (servedModel: string, provider: string | undefined) => string | undefined;

export function scoreCalls(
  target: string,
  rows: readonly OutcomeRecord[],
  calls: readonly EvalCall[],
  upstreamOf: UpstreamOf,
): EvalFigures {
  const scored = rows.map((row, index) => scoreRow(row, calls[index]!, upstreamOf));
  return {
    target,
    rows: rows.length,
    overall: groupFigures('all', scored, rows.length),
    by_route: groupBy(scored, (row) => row.route, rows.length),
    by_model: groupBy(scored, (row) => row.model, rows.length),
  };
}

function scoreRow(row: OutcomeRecord, call: EvalCall, upstreamOf: UpstreamOf): ScoredRow {
  const route = call.route ?? '(none)';
  const failed = (code: string, model?: string): ScoredRow => ({
    route,
    model,
    quality: 0,
    cost: 0,
    latencyMs: undefined,
    errorCode: code,
  });
  if (!call.ok || call.servedModel === undefined) return failed(call.errorCode ?? 'unknown');
  const upstream = upstreamOf(call.servedModel, call.provider);
  const outcome = upstream === undefined ? undefined : row.outcomes[upstream];
  const model =
    upstream === undefined || upstream === call.servedModel
      ? call.servedModel
      : `${call.servedModel} (${upstream})`;
  if (outcome === undefined) return failed(UNRECORDED_CODE, model);
  // Answers turned down before the served one (a cascade's cheap step) were paid for too.
  let cost = outcome.cost;
  for (const other of call.alsoAnswered ?? []) {
    const otherUpstream = upstreamOf(other.model, other.provider);
    cost += otherUpstream === undefined ? 0 : (row.outcomes[otherUpstream]?.cost ?? 0);
  }
  return {
    route,
    model,
    quality: outcome.quality,
    cost,
    latencyMs: outcome.latency_ms,
    errorCode: undefined,
  };
}

function groupBy(
  rows: readonly ScoredRow[],
  keyOf: (row: ScoredRow) => string | undefined,
  total: number,
): GroupFigures[] {
  const groups = new Map<string, ScoredRow[]>();
  for (const row of rows) {
    const key = keyOf(row);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [row]);
    else group.push(row);
  }
  return [...groups.entries()]
    .map(([key, group]) => groupFigures(key, group, total))
    .toSorted((left, right) => right.requests - left.requests || left.key.localeCompare(right.key));
}

function groupFigures(key: string, rows: readonly ScoredRow[], total: number): GroupFigures {
  const errorsByCode: Record<string, number> = {};
  let quality = 0;
  let cost = 0;
  const latencies: number[] = [];
  for (const row of rows) {
    quality += row.quality;
    cost += row.cost;
    if (row.latencyMs !== undefined) latencies.push(row.latencyMs);
    if (row.errorCode !== undefined) errorsByCode[row.errorCode] = (errorsByCode[row.errorCode] ?? 0) + 1;
  }
  const errors = Object.values(errorsByCode).reduce((sum, count) => sum + count, 0);
  const count = rows.length;
  return {
    key,
    requests: count,
    share: total === 0 ? 0 : count / total,
    mean_quality: count === 0 ? 0 : quality / count,
    total_cost: cost,
    mean_cost: count === 0 ? 0 : cost / count,
    latency_ms: latencyFigures(latencies),
    errors,
    error_rate: count === 0 ? 0 : errors / count,
    errors_by_code: errorsByCode,
  };
}

function latencyFigures(samples: readonly number[]): LatencyFigures | null {
  if (samples.length === 0) return null;
  const sorted = samples.toSorted((left, right) => left - right);
  return {
    p50: percentileOfSorted(sorted, 50),
    p95: percentileOfSorted(sorted, 95),
    samples: sorted.length,
  };
}

/** Each single model and the oracle over the same rows (every row has an outcome for every model). */
export function referenceFigures(rows: readonly OutcomeRecord[], models: readonly string[]): EvalReferences {
  const table = buildOutcomeTable(rows, models);
  const oracle = oraclePoint(table);
  return {
    models: singleModelPoints(table).map((point) => ({
      model: point.model,
      quality: point.quality,
      mean_cost: point.cost,
    })),
    oracle: { quality: oracle.quality, mean_cost: oracle.cost },
  };
}

/** Where the config's overall figures stand against the references. */
export function positionOf(overall: GroupFigures, references: EvalReferences): EvalPosition {
  const best = references.models.reduce((left, right) =>
    right.quality > left.quality || (right.quality === left.quality && right.mean_cost < left.mean_cost)
      ? right
      : left,
  );
  const hull = nonDecreasingHull(
    references.models.map((model) => ({ cost: model.mean_cost, quality: model.quality })),
  );
  const hullQuality = hullQualityAt(hull, overall.mean_cost);
  return {
    share_of_oracle_quality:
      references.oracle.quality > 0 ? overall.mean_quality / references.oracle.quality : null,
    best_single_model: best,
    quality_vs_best_single: overall.mean_quality - best.quality,
    cost_ratio_vs_best_single: best.mean_cost > 0 ? overall.mean_cost / best.mean_cost : null,
    quality_vs_single_model_hull: hullQuality === undefined ? null : overall.mean_quality - hullQuality,
    dominated_by: references.models
      .filter(
        (model) =>
          model.quality >= overall.mean_quality &&
          model.mean_cost <= overall.mean_cost &&
          (model.quality > overall.mean_quality || model.mean_cost < overall.mean_cost),
      )
      .map((model) => model.model),
  };
}
