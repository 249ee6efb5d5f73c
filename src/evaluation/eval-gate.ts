/**
 * The canary gate: a candidate (a model or route replacing the baseline) passes when, over the same
 * labelled rows, it regresses by no more than the gate file allows. Every threshold is optional; a
 * threshold on recorded latency is not checked when either side has none (and says so).
 *
 *   max_quality_drop: 0.02          # absolute: baseline mean quality − candidate's
 *   max_p95_latency_increase: 0.2   # ratio: candidate p95 / baseline p95 − 1 (+20 %)
 *   max_cost_increase: 0.1          # ratio: candidate mean cost / baseline's − 1 (+10 %)
 *   max_error_rate: 0.01            # absolute: the candidate's failed rows / rows
 */

import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { describeReadFailure, InputError } from '../learning/router/input-error.ts';
import { formatPath } from '../learning/router/read-outcomes.ts';
import type { GroupFigures } from './eval-figures.ts';

const ratio = z.number().finite().nonnegative();

export const gateSchema = z
  .strictObject({
    max_quality_drop: ratio.optional(),
    max_p95_latency_increase: ratio.optional(),
    max_cost_increase: ratio.optional(),
    max_error_rate: z.number().min(0).max(1).optional(),
  })
  .refine((gate) => Object.values(gate).some((value) => value !== undefined), {
    message:
      'set at least one of max_quality_drop, max_p95_latency_increase, max_cost_increase, max_error_rate',
  });

export type Gate = z.infer<typeof gateSchema>;
export type GateThreshold = keyof Gate;

/** Float noise must not fail a candidate sitting exactly on a threshold. */
const TOLERANCE = 1e-12;

export interface GateCheck {
  readonly threshold: GateThreshold;
  readonly limit: number;
  readonly baseline: number | null;
  readonly candidate: number | null;
  /** The compared change: a drop, a ratio increase, or the candidate's rate. Null when not checked. */
  readonly change: number | null;
  /** Null: not checked (no recorded latency on one side). */
  readonly passed: boolean | null;
}

export interface GateResult {
  readonly passed: boolean;
  readonly checks: readonly GateCheck[];
  readonly failed: readonly GateThreshold[];
}

export async function loadGate(path: string): Promise<Gate> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(path, `cannot read: ${describeReadFailure(error)}`);
  }
  let value: unknown;
  try {
    value = parse(text) as unknown;
  } catch (error) {
    throw new InputError(path, `not valid YAML (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = gateSchema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field =
    issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : formatPath(issue.path) || undefined;
  const message =
    issue.code === 'unrecognized_keys'
      ? 'unknown key (known: max_quality_drop, max_p95_latency_increase, max_cost_increase, max_error_rate)'
      : issue.message;
  throw new InputError(path, message, field === undefined ? {} : { field });
}

/** Relative increase of `candidate` over `baseline`; any rise from zero is infinite. */
function increase(baseline: number, candidate: number): number {
  if (baseline === 0) return candidate === 0 ? 0 : Number.POSITIVE_INFINITY;
  return candidate / baseline - 1;
}

export function applyGate(gate: Gate, baseline: GroupFigures, candidate: GroupFigures): GateResult {
  const checks: GateCheck[] = [];
  const check = (
    threshold: GateThreshold,
    values: { baseline: number | null; candidate: number | null; change: number | null },
  ): void => {
    const limit = gate[threshold];
    if (limit === undefined) return;
    const passed = values.change === null ? null : values.change <= limit + TOLERANCE;
    checks.push({ threshold, limit, ...values, passed });
  };
  check('max_quality_drop', {
    baseline: baseline.mean_quality,
    candidate: candidate.mean_quality,
    change: baseline.mean_quality - candidate.mean_quality,
  });
  const baseP95 = baseline.latency_ms?.p95 ?? null;
  const candidateP95 = candidate.latency_ms?.p95 ?? null;
  check('max_p95_latency_increase', {
    baseline: baseP95,
    candidate: candidateP95,
    change: baseP95 === null || candidateP95 === null ? null : increase(baseP95, candidateP95),
  });
  check('max_cost_increase', {
    baseline: baseline.mean_cost,
    candidate: candidate.mean_cost,
    change: increase(baseline.mean_cost, candidate.mean_cost),
  });
  check('max_error_rate', {
    baseline: baseline.error_rate,
    candidate: candidate.error_rate,
    change: candidate.error_rate,
  });
  const failed = checks.filter((entry) => entry.passed === false).map((entry) => entry.threshold);
  return { passed: failed.length === 0, checks, failed };
}
