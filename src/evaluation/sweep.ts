/**
 * Turning per-prompt predictions into cost–quality operating points. The learned router's curve sweeps λ
 * in its max-utility policy (predicted quality − λ · cost) over a log grid, plus both ends: λ = 0 (best
 * predicted quality, whatever the cost) and λ = ∞ (cheapest model). Each λ routes every row with the very
 * policy the gateway runs, and scores the choice with the row's recorded quality and cost.
 */

import { chooseMaxUtility } from '../learning/router/policy.ts';
import type { OutcomeTable } from './outcome-table.ts';

export interface SweepPoint {
  readonly lambda: number;
  readonly cost: number;
  readonly quality: number;
  /** Share of rows routed to each model. */
  readonly shares: Readonly<Record<string, number>>;
}

/**
 * λ values spanning "cost barely matters" to "only cost matters" for the given per-request costs: from
 * 10⁻³ / (largest cost) to 10³ / (smallest positive cost), `steps` per decade, plus 0 and ∞.
 */
export function lambdaGrid(costs: readonly number[], stepsPerDecade = 8): number[] {
  const positive = costs.filter((cost) => cost > 0);
  if (positive.length === 0) return [0, Number.POSITIVE_INFINITY];
  const low = Math.log10(1e-3 / Math.max(...positive));
  const high = Math.log10(1e3 / Math.min(...positive));
  const steps = Math.max(1, Math.ceil((high - low) * stepsPerDecade));
  const grid = [0];
  for (let step = 0; step <= steps; step++) grid.push(10 ** (low + ((high - low) * step) / steps));
  grid.push(Number.POSITIVE_INFINITY);
  return grid;
}

/**
 * `predicted[row * models + column]` in `table.models` order; `policyCosts` are what the policy believes
 * each model costs (the artifact's mean costs) — the recorded costs are what the choice is charged.
 */
export function sweepUtility(
  table: OutcomeTable,
  predicted: Float64Array,
  policyCosts: Readonly<Record<string, number>>,
  lambdas: readonly number[],
): SweepPoint[] {
  const width = table.models.length;
  const rowsPredicted = Array.from({ length: table.rows }, (_, row) => {
    const record: Record<string, number> = {};
    for (const [column, model] of table.models.entries()) record[model] = predicted[row * width + column]!;
    return record;
  });
  return lambdas.map((lambda) => {
    const counts = new Map<string, number>();
    let quality = 0;
    let cost = 0;
    for (let row = 0; row < table.rows; row++) {
      const decision = chooseMaxUtility({ predicted: rowsPredicted[row]!, costs: policyCosts }, lambda);
      const column = table.models.indexOf(decision.model);
      quality += table.quality[row * width + column]!;
      cost += table.cost[row * width + column]!;
      counts.set(decision.model, (counts.get(decision.model) ?? 0) + 1);
    }
    const shares: Record<string, number> = {};
    for (const [model, count] of counts) shares[model] = count / table.rows;
    return { lambda, cost: cost / table.rows, quality: quality / table.rows, shares };
  });
}
