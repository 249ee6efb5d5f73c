/**
 * The rows a router is evaluated on, as dense row × model tables of quality and cost. Only rows where
 * every evaluated model has an outcome are kept: a routing choice must be scoreable whichever model it
 * picks, and every reference (single models, oracle) is then measured on the same rows.
 */

import { promptText, type OutcomeRecord } from '../learning/router/outcomes.ts';

export interface OutcomeTable {
  readonly models: readonly string[];
  readonly ids: readonly (string | number)[];
  readonly texts: readonly string[];
  readonly tags: readonly (Readonly<Record<string, string>> | undefined)[];
  /** `quality[row * models.length + model]`. */
  readonly quality: Float64Array;
  readonly cost: Float64Array;
  readonly rows: number;
  /** Input rows left out because some evaluated model had no outcome. */
  readonly skipped: number;
}

export function buildOutcomeTable(
  records: readonly OutcomeRecord[],
  models: readonly string[],
): OutcomeTable {
  const kept = records.filter((record) => models.every((model) => record.outcomes[model] !== undefined));
  const quality = new Float64Array(kept.length * models.length);
  const cost = new Float64Array(kept.length * models.length);
  for (const [row, record] of kept.entries()) {
    for (const [column, model] of models.entries()) {
      const outcome = record.outcomes[model]!;
      quality[row * models.length + column] = outcome.quality;
      cost[row * models.length + column] = outcome.cost;
    }
  }
  return {
    models,
    ids: kept.map((record) => record.id),
    texts: kept.map((record) => promptText(record)),
    tags: kept.map((record) => record.tags),
    quality,
    cost,
    rows: kept.length,
    skipped: records.length - kept.length,
  };
}

/** Mean quality and cost over the rows of the given per-row model choices (column indices). */
export function scoreChoices(
  table: OutcomeTable,
  choices: ArrayLike<number>,
): { cost: number; quality: number } {
  const width = table.models.length;
  let quality = 0;
  let cost = 0;
  for (let row = 0; row < table.rows; row++) {
    const column = choices[row]!;
    quality += table.quality[row * width + column]!;
    cost += table.cost[row * width + column]!;
  }
  return { cost: cost / table.rows, quality: quality / table.rows };
}

export function modelColumn(table: OutcomeTable, model: string): number {
  const column = table.models.indexOf(model);
  if (column === -1) throw new RangeError(`model '${model}' is not among the evaluated models`);
  return column;
}
