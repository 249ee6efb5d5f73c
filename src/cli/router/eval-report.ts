/** Plain-text reports of `switchyard router eval` (the `--json` output carries the same numbers). */

import type { MultiModelEvaluation, StrongWeakEvaluation } from '../../evaluation/evaluate-router.ts';

export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return `$${value < 0.01 ? value.toPrecision(3) : value.toFixed(4)}`;
}

function fixed(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits);
}

function percent(share: number | null): string {
  return share === null ? 'never' : `${(100 * share).toFixed(1)} %`;
}

export function renderMultiModelReport(evaluation: MultiModelEvaluation): string {
  const { references } = evaluation;
  const best = references.models.reduce((left, right) => (right.quality > left.quality ? right : left));
  const lines = [
    `Multi-model routing on ${evaluation.rows} rows${skippedNote(evaluation.skipped_rows)}`,
    '',
    `AIQ (area under the non-decreasing convex hull over ${usd(evaluation.cost_range.min)}–${usd(evaluation.cost_range.max)}, normalised):`,
    `  learned router ${fixed(evaluation.aiq, 4)}   zero router ${fixed(references.zero_router.aiq, 4)}   oracle ${fixed(references.oracle.aiq, 4)}`,
    '',
    'quality at a given cost per query:',
    `  ${'cost'.padEnd(12)}${'router'.padStart(8)}${'zero router'.padStart(13)}`,
    ...evaluation.quality_at_cost.map(
      (entry, index) =>
        `  ${usd(entry.cost).padEnd(12)}${fixed(entry.quality).padStart(8)}${fixed(references.zero_router.quality_at_cost[index]?.quality).padStart(13)}`,
    ),
    '',
    `cost to reach ${fixed(evaluation.cost_to_reach.target_quality)} (95 % of ${best.model}, ${fixed(best.quality)}):`,
    `  router ${usd(evaluation.cost_to_reach.cost)}   zero router ${usd(references.zero_router.cost_to_reach.cost)}`,
    '',
    'references:',
    `  ${'reference'.padEnd(40)}${'quality'.padStart(8)}${'cost/query'.padStart(12)}`,
    ...references.models
      .toSorted((left, right) => right.quality - left.quality)
      .map(
        (point) =>
          `  ${point.model.padEnd(40)}${fixed(point.quality).padStart(8)}${usd(point.cost).padStart(12)}`,
      ),
    `  ${'random (uniform over models)'.padEnd(40)}${fixed(references.random.quality).padStart(8)}${usd(references.random.cost).padStart(12)}`,
    `  ${'oracle (best per prompt, cheapest)'.padEnd(40)}${fixed(references.oracle.quality).padStart(8)}${usd(references.oracle.cost).padStart(12)}`,
    '',
    'learned router operating points on its hull (λ in quality per USD):',
    ...evaluation.hull
      .map((vertex) =>
        evaluation.points.find((point) => point.cost === vertex.cost && point.quality === vertex.quality),
      )
      .filter((point) => point !== undefined)
      .map(
        (point) =>
          `  λ ${formatLambda(point.lambda).padEnd(10)} quality ${fixed(point.quality)}  cost ${usd(point.cost).padEnd(10)} ${topShares(point.shares)}`,
      ),
  ];
  return `${lines.join('\n')}\n`;
}

export function renderStrongWeakReport(evaluation: StrongWeakEvaluation): string {
  const { references } = evaluation;
  const row = (name: string, metrics: { apgr: number; cpt50: number | null; cpt80: number | null }): string =>
    `  ${name.padEnd(16)}${fixed(metrics.apgr).padStart(7)}${percent(metrics.cpt50).padStart(11)}${percent(metrics.cpt80).padStart(11)}`;
  const lines = [
    `Strong/weak routing on ${evaluation.rows} rows${skippedNote(evaluation.skipped_rows)}`,
    `  strong ${evaluation.strong}: quality ${fixed(references.strong.quality)}, ${usd(references.strong.cost)} per query`,
    `  weak   ${evaluation.weak}: quality ${fixed(references.weak.quality)}, ${usd(references.weak.cost)} per query`,
    '',
    `  ${''.padEnd(16)}${'APGR'.padStart(7)}${'CPT(50%)'.padStart(11)}${'CPT(80%)'.padStart(11)}`,
    row('learned router', evaluation),
    row('random', references.random),
    row('oracle', references.oracle),
    '',
    'learned router by share of strong calls:',
    ...evaluation.points.map(
      (point) =>
        `  ${percent(point.share).padStart(8)}  quality ${fixed(point.quality)}  PGR ${fixed(point.pgr)}  cost ${usd(point.cost)}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

function skippedNote(skipped: number): string {
  return skipped === 0 ? '' : ` (${skipped} skipped: some evaluated model had no outcome)`;
}

function formatLambda(lambda: number): string {
  return lambda === Number.POSITIVE_INFINITY ? '∞' : String(Number(lambda.toPrecision(3)));
}

function topShares(shares: Readonly<Record<string, number>>): string {
  return Object.entries(shares)
    .toSorted((left, right) => right[1] - left[1])
    .slice(0, 3)
    .map(([model, share]) => `${model} ${(100 * share).toFixed(0)}%`)
    .join(', ');
}
