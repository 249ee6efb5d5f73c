/**
 * The yardsticks every router is reported against, all measured on the same rows:
 *
 * - each single model (always route to it);
 * - the random router (each prompt to a model drawn uniformly: the mean of the single models);
 * - the zero router (RouterBench): the non-decreasing convex hull of the single models — what mixing
 *   fixed models at random achieves without looking at the prompt;
 * - the oracle: each prompt to its best model, the cheapest among ties; its curve sweeps λ over the
 *   recorded qualities and costs, so it also has an AIQ.
 */

import type { CostQualityPoint } from './cost-quality.ts';
import { scoreChoices, type OutcomeTable } from './outcome-table.ts';

export interface SingleModelPoint extends CostQualityPoint {
  readonly model: string;
}

export function singleModelPoints(table: OutcomeTable): SingleModelPoint[] {
  return table.models.map((model, column) => ({
    model,
    ...scoreChoices(table, new Uint32Array(table.rows).fill(column)),
  }));
}

export function randomRouterPoint(table: OutcomeTable): CostQualityPoint {
  const singles = singleModelPoints(table);
  return {
    cost: singles.reduce((sum, point) => sum + point.cost, 0) / singles.length,
    quality: singles.reduce((sum, point) => sum + point.quality, 0) / singles.length,
  };
}

/** Per row, the model maximising recorded quality − λ · recorded cost (ties to the cheaper, then earlier). */
export function oracleChoices(table: OutcomeTable, lambda: number): Uint32Array {
  const width = table.models.length;
  const choices = new Uint32Array(table.rows);
  for (let row = 0; row < table.rows; row++) {
    let best = 0;
    let bestUtility = Number.NEGATIVE_INFINITY;
    for (let column = 0; column < width; column++) {
      const quality = table.quality[row * width + column]!;
      const cost = table.cost[row * width + column]!;
      const utility = lambda === Number.POSITIVE_INFINITY ? -cost : quality - lambda * cost;
      const bestCost = table.cost[row * width + best]!;
      if (utility > bestUtility || (utility === bestUtility && cost < bestCost)) {
        best = column;
        bestUtility = utility;
      }
    }
    choices[row] = best;
  }
  return choices;
}

/** The oracle's headline point: best quality per prompt, cheapest among the best. */
export function oraclePoint(table: OutcomeTable): CostQualityPoint {
  return scoreChoices(table, oracleChoices(table, 0));
}

export function oracleCurve(table: OutcomeTable, lambdas: readonly number[]): CostQualityPoint[] {
  return lambdas.map((lambda) => scoreChoices(table, oracleChoices(table, lambda)));
}
