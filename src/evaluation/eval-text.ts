/** Plain-text reports of `switchyard eval` and its canary gate (`--json` carries the same numbers). */

import { DASH, formatMs, formatPercent, formatUsd, textTable } from '../benchmark/format.ts';
import type { EvalFigures, EvalPosition, EvalReferences, GroupFigures } from './eval-figures.ts';
import type { GateCheck, GateResult } from './eval-gate.ts';

function fixed(value: number | null, digits = 3): string {
  return value === null ? DASH : value.toFixed(digits);
}

function signed(value: number | null, digits = 3): string {
  if (value === null) return DASH;
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}`;
}

function usd(value: number): string {
  return `$${formatUsd(value)}`;
}

function errorsCell(group: GroupFigures): string {
  const codes = Object.entries(group.errors_by_code)
    .toSorted((left, right) => right[1] - left[1])
    .map(([code, count]) => `${code} ${count}`);
  return codes.length === 0 ? '0' : `${group.errors} (${codes.join(', ')})`;
}

const GROUP_HEADER = ['', 'requests', 'share', 'quality', 'cost', 'cost/req', 'p50 ms', 'p95 ms', 'errors'];

function groupCells(label: string, group: GroupFigures): string[] {
  return [
    label,
    String(group.requests),
    formatPercent(group.share),
    fixed(group.mean_quality),
    usd(group.total_cost),
    usd(group.mean_cost),
    formatMs(group.latency_ms?.p50),
    formatMs(group.latency_ms?.p95),
    errorsCell(group),
  ];
}

export function renderFigures(figures: EvalFigures): string {
  const rows = [
    groupCells(`all (${figures.target})`, figures.overall),
    ...figures.by_route.map((group) => groupCells(`route ${group.key}`, group)),
    ...figures.by_model.map((group) => groupCells(`model ${group.key}`, group)),
  ];
  return textTable(GROUP_HEADER, rows);
}

export function renderReferences(references: EvalReferences, position: EvalPosition): string {
  const rows = [
    ...references.models
      .toSorted((left, right) => right.quality - left.quality || left.mean_cost - right.mean_cost)
      .map((model) => [model.model, fixed(model.quality), usd(model.mean_cost)]),
    [
      'oracle (best per prompt, cheapest)',
      fixed(references.oracle.quality),
      usd(references.oracle.mean_cost),
    ],
  ];
  const best = position.best_single_model;
  const costRatio = position.cost_ratio_vs_best_single;
  const lines = [
    'references on the same rows (always that model; the oracle):',
    textTable(['', 'quality', 'cost/req'], rows),
    '',
    'position of the config:',
    `  ${formatPercent(position.share_of_oracle_quality)} of the oracle's quality`,
    `  ${signed(position.quality_vs_best_single)} quality vs the best single model (${best.model})` +
      (costRatio === null ? '' : ` at ${formatPercent(costRatio)} of its cost`),
    `  ${signed(position.quality_vs_single_model_hull)} quality vs mixing single models at random at the same cost`,
    position.dominated_by.length === 0
      ? '  no single model is both as good and as cheap'
      : `  dominated by ${position.dominated_by.join(', ')} (as good or better for no more cost)`,
  ];
  return lines.join('\n');
}

const THRESHOLD_LABELS: Readonly<Record<GateCheck['threshold'], string>> = {
  max_quality_drop: 'quality drop',
  max_p95_latency_increase: 'p95 latency increase',
  max_cost_increase: 'cost increase',
  max_error_rate: 'error rate',
};

function checkValue(check: GateCheck, value: number | null): string {
  if (value === null) return DASH;
  switch (check.threshold) {
    case 'max_quality_drop':
      return fixed(value);
    case 'max_p95_latency_increase':
      return `${formatMs(value)} ms`;
    case 'max_cost_increase':
      return usd(value);
    case 'max_error_rate':
      return formatPercent(value);
  }
}

function changeText(check: GateCheck): string {
  if (check.change === null) return 'not checked: no recorded latency';
  switch (check.threshold) {
    case 'max_quality_drop':
      return `drop ${signed(check.change)} (limit ${fixed(check.limit)})`;
    case 'max_p95_latency_increase':
    case 'max_cost_increase':
      return `${Number.isFinite(check.change) ? signed(check.change * 100, 1) : '+∞'} % (limit +${(check.limit * 100).toFixed(1)} %)`;
    case 'max_error_rate':
      return `${formatPercent(check.change)} (limit ${formatPercent(check.limit)})`;
  }
}

export function renderGate(result: GateResult): string {
  const rows = result.checks.map((check) => [
    THRESHOLD_LABELS[check.threshold],
    checkValue(check, check.baseline),
    checkValue(check, check.candidate),
    changeText(check),
    check.passed === null ? 'skipped' : check.passed ? 'pass' : 'FAIL',
  ]);
  const verdict = result.passed
    ? 'gate passed'
    : `gate FAILED: ${result.failed.map((threshold) => `${threshold} (${THRESHOLD_LABELS[threshold]})`).join(', ')}`;
  return `${textTable(['check', 'baseline', 'candidate', 'change', 'result'], rows)}\n\n${verdict}`;
}
