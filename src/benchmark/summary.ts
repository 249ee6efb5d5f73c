/**
 * The figures of one target from its measured requests: success and error rates (per error code),
 * latency and TTFT percentiles, output tokens per second, cost per request / per 1,000 requests / per
 * success / per correct answer, and correctness on the labelled rows.
 *
 * Percentiles are exact, nearest-rank over the sorted sample (the smallest value with at least p % of the
 * sample at or below it), not HDR estimates: a benchmark keeps every sample, and exact figures can be
 * checked by hand. Latency, TTFT and tokens/s are taken over successful requests only — a fast error would
 * otherwise flatter a failing target.
 */

import type { CheckVerdict } from './correctness.ts';
import { rowCorrect } from './correctness.ts';
import { EXPECTATION_KINDS, type ExpectationKind } from './rows.ts';

/** One request to a target, as measured. */
export interface Measurement {
  readonly rowId: string;
  readonly ok: boolean;
  readonly errorCode: string | undefined;
  readonly latencyMs: number;
  /** Streamed requests only. */
  readonly ttftMs: number | undefined;
  readonly inputTokens: number | undefined;
  readonly outputTokens: number | undefined;
  /** Undefined when the gateway sent no cost and the served model's prices are unknown. */
  readonly costUsd: number | undefined;
  readonly servedModel: string | undefined;
  /** The row has expectations (exact, regex, json_schema or a rubric). */
  readonly labelled: boolean;
  /** Checks that reached a verdict; empty for failed requests and unlabelled rows. */
  readonly verdicts: readonly CheckVerdict[];
}

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export interface CostFigures {
  /** Every request's cost (failures included; they usually cost nothing). */
  readonly totalUsd: number;
  readonly perRequestUsd: number | null;
  readonly per1kRequestsUsd: number | null;
  /** totalUsd / successful requests: what one usable answer costs, failures paid for included. */
  readonly perSuccessUsd: number | null;
  /** Cost of the labelled rows' requests / their correct answers. */
  readonly perCorrectUsd: number | null;
  /** Requests whose cost could not be known (no header, no price for the served model). */
  readonly unknownCount: number;
}

export interface KindCorrectness {
  readonly checked: number;
  readonly correct: number;
}

export interface Correctness {
  /** Requests of rows with expectations (failed ones included). */
  readonly labelled: number;
  /** Successful labelled requests whose checks reached a verdict. */
  readonly checked: number;
  /** Checked requests whose every verdict passed. */
  readonly correct: number;
  /** correct / checked; null when nothing was checked. */
  readonly rate: number | null;
  readonly byKind: Readonly<Record<ExpectationKind, KindCorrectness>>;
}

export interface TargetFigures {
  readonly requests: number;
  readonly successes: number;
  readonly errors: number;
  readonly successRate: number;
  readonly errorRate: number;
  /** Failures per error code, most frequent first. */
  readonly errorsByCode: Readonly<Record<string, number>>;
  readonly latencyMs: Percentiles | null;
  readonly ttftMs: Percentiles | null;
  /** Per successful request: output tokens / seconds after the first token (streams) or / latency. */
  readonly outputTokensPerSecond: Percentiles | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cost: CostFigures;
  readonly correctness: Correctness;
  /** Served model → requests (a route may spread them). */
  readonly servedBy: Readonly<Record<string, number>>;
}

/** Nearest-rank percentile of an ascending sample; p in (0, 100]. */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('no samples');
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function percentiles(samples: readonly number[]): Percentiles | null {
  if (samples.length === 0) return null;
  const sorted = samples.toSorted((left, right) => left - right);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    p50: percentileOfSorted(sorted, 50),
    p95: percentileOfSorted(sorted, 95),
    p99: percentileOfSorted(sorted, 99),
    max: sorted.at(-1)!,
    mean: sum / sorted.length,
  };
}

/** Output tokens per second of one request; undefined without tokens or time. */
export function tokensPerSecond(measurement: Measurement): number | undefined {
  const tokens = measurement.outputTokens;
  if (tokens === undefined || tokens === 0) return undefined;
  const afterFirst =
    measurement.ttftMs === undefined ? measurement.latencyMs : measurement.latencyMs - measurement.ttftMs;
  // A one-chunk stream has no time after its first token; its whole latency is the honest divisor.
  const seconds = (afterFirst > 0 ? afterFirst : measurement.latencyMs) / 1_000;
  return seconds > 0 ? tokens / seconds : undefined;
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

export function costFigures(
  measurements: readonly Measurement[],
  successes: number,
  correct: number,
): CostFigures {
  let totalUsd = 0;
  let labelledUsd = 0;
  let unknownCount = 0;
  for (const measurement of measurements) {
    if (measurement.costUsd === undefined) {
      if (measurement.ok) unknownCount++;
      continue;
    }
    totalUsd += measurement.costUsd;
    if (measurement.labelled) labelledUsd += measurement.costUsd;
  }
  const perRequestUsd = ratio(totalUsd, measurements.length);
  return {
    totalUsd,
    perRequestUsd,
    per1kRequestsUsd: perRequestUsd === null ? null : perRequestUsd * 1_000,
    perSuccessUsd: ratio(totalUsd, successes),
    perCorrectUsd: ratio(labelledUsd, correct),
    unknownCount,
  };
}

export function correctnessOf(measurements: readonly Measurement[]): Correctness {
  const byKind = Object.fromEntries(
    EXPECTATION_KINDS.map((kind) => [kind, { checked: 0, correct: 0 }]),
  ) as Record<ExpectationKind, { checked: number; correct: number }>;
  let labelled = 0;
  let checked = 0;
  let correct = 0;
  for (const measurement of measurements) {
    if (!measurement.labelled) continue;
    labelled++;
    for (const verdict of measurement.verdicts) {
      byKind[verdict.kind].checked++;
      if (verdict.passed) byKind[verdict.kind].correct++;
    }
    const verdict = measurement.ok ? rowCorrect(measurement.verdicts) : undefined;
    if (verdict === undefined) continue;
    checked++;
    if (verdict) correct++;
  }
  return { labelled, checked, correct, rate: ratio(correct, checked), byKind };
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return Object.fromEntries(
    [...counts].sort((left, right) => right[1] - left[1] || left[0].localeCompare(right[0])),
  );
}

export function summarizeTarget(measurements: readonly Measurement[]): TargetFigures {
  const succeeded = measurements.filter((measurement) => measurement.ok);
  const requests = measurements.length;
  const successes = succeeded.length;
  const correctness = correctnessOf(measurements);
  const rates = succeeded.flatMap((measurement) => {
    const rate = tokensPerSecond(measurement);
    return rate === undefined ? [] : [rate];
  });
  return {
    requests,
    successes,
    errors: requests - successes,
    successRate: ratio(successes, requests) ?? 0,
    errorRate: ratio(requests - successes, requests) ?? 0,
    errorsByCode: countBy(
      measurements.flatMap((measurement) => (measurement.ok ? [] : [measurement.errorCode ?? 'unknown'])),
    ),
    latencyMs: percentiles(succeeded.map((measurement) => measurement.latencyMs)),
    ttftMs: percentiles(
      succeeded.flatMap((measurement) => (measurement.ttftMs === undefined ? [] : [measurement.ttftMs])),
    ),
    outputTokensPerSecond: percentiles(rates),
    inputTokens: sumOf(measurements, (measurement) => measurement.inputTokens ?? 0),
    outputTokens: sumOf(measurements, (measurement) => measurement.outputTokens ?? 0),
    cost: costFigures(measurements, successes, correctness.correct),
    correctness,
    servedBy: countBy(
      succeeded.flatMap((measurement) =>
        measurement.servedModel === undefined ? [] : [measurement.servedModel],
      ),
    ),
  };
}

function sumOf(measurements: readonly Measurement[], value: (measurement: Measurement) => number): number {
  return measurements.reduce((total, measurement) => total + value(measurement), 0);
}
