/**
 * The run driver: every target gets the same rows, interleaved (row 1 to each target, then row 2, …) so
 * all targets are measured under the same load at the same time, by `concurrency` workers that keep that
 * many requests in flight. `requestsPerTarget` cycles through the rows; a timed run takes jobs until its
 * time is up and lets the requests in flight finish. Rubric rows are graded after the run (judge.ts).
 */

import { checkAnswer, type CheckVerdict } from './correctness.ts';
import type { GatewayClient } from './gateway-client.ts';
import { runJudge, type JudgeOutcome, type JudgeTask } from './judge.ts';
import { runPool } from './pool.ts';
import type { Progress } from './progress.ts';
import type { PromptRow } from './rows.ts';
import type { Measurement } from './summary.ts';
import { callCostUsd, type BenchTarget, type GatewayFacts } from './targets.ts';

export interface RunSettings {
  readonly targets: readonly BenchTarget[];
  readonly rows: readonly PromptRow[];
  readonly concurrency: number;
  /** Requests per target; with neither this nor a duration, one pass over the rows. */
  readonly requestsPerTarget: number | undefined;
  readonly durationMs: number | undefined;
  readonly stream: boolean;
  /** A model id in the same gateway that grades rubric rows; undefined skips them. */
  readonly judgeModel: string | undefined;
}

export interface RunServices {
  readonly client: GatewayClient;
  readonly facts: GatewayFacts;
  /** A progress display for a phase (`bench`, `judge`) of `total` requests or `durationMs`. */
  readonly progress: (label: string, total: number | undefined, durationMs: number | undefined) => Progress;
  /** Aborting stops taking new jobs; requests in flight finish and are counted. */
  readonly stop: AbortSignal;
}

export interface RunResult {
  /** Target label → its measurements, in completion order. */
  readonly measurements: ReadonlyMap<string, readonly Measurement[]>;
  readonly wallMs: number;
  readonly judge: JudgeOutcome | undefined;
  readonly interrupted: boolean;
}

interface Job {
  readonly target: BenchTarget;
  readonly row: PromptRow;
}

/** Job `index` of the interleaved sequence. */
export function jobAt(index: number, targets: readonly BenchTarget[], rows: readonly PromptRow[]): Job {
  const target = targets[index % targets.length]!;
  const row = rows[Math.floor(index / targets.length) % rows.length]!;
  return { target, row };
}

/** Requests in flight finish even after a stop; the transport's own timeouts bound them. */
const NEVER_ABORTED = new AbortController().signal;

export async function runBenchmark(settings: RunSettings, services: RunServices): Promise<RunResult> {
  const { targets, rows } = settings;
  const perTarget =
    settings.requestsPerTarget ?? (settings.durationMs === undefined ? rows.length : undefined);
  const totalJobs = perTarget === undefined ? undefined : perTarget * targets.length;
  const measurements = new Map<string, Measurement[]>(targets.map((target) => [target.label, []]));
  const judgeTasks: JudgeTask[] = [];
  const progress = services.progress('bench', totalJobs, settings.durationMs);
  const started = performance.now();
  const deadline = settings.durationMs === undefined ? Infinity : started + settings.durationMs;
  let next = 0;

  const nextJob = (): Job | undefined => {
    if (services.stop.aborted) return undefined;
    if (totalJobs !== undefined ? next >= totalJobs : performance.now() >= deadline) return undefined;
    return jobAt(next++, targets, rows);
  };

  await runPool(settings.concurrency, nextJob, async ({ target, row }) => {
    const result = await services.client.chat(
      {
        model: target.name,
        messages: row.messages,
        maxTokens: row.maxTokens,
        jsonSchema: row.jsonSchema,
        stream: settings.stream,
      },
      NEVER_ABORTED,
    );
    const verdicts: CheckVerdict[] = result.ok ? checkAnswer(result.text, row.expectations) : [];
    const measurement: Measurement = {
      rowId: row.id,
      ok: result.ok,
      errorCode: result.errorCode,
      latencyMs: result.latencyMs,
      ttftMs: result.ttftMs,
      inputTokens: result.usage?.inputTokens,
      outputTokens: result.usage?.outputTokens,
      costUsd: callCostUsd(result, services.facts),
      servedModel: result.servedModel,
      labelled: row.expectations.length > 0,
      verdicts,
    };
    measurements.get(target.label)?.push(measurement);
    const rubric = row.expectations.find((expectation) => expectation.kind === 'judge');
    if (result.ok && rubric !== undefined && settings.judgeModel !== undefined) {
      judgeTasks.push({
        targetLabel: target.label,
        messages: row.messages,
        answer: result.text,
        rubric: rubric.rubric,
        // The verdict joins the free checks' (the array is this measurement's own).
        record: (verdict) => verdicts.push(verdict),
      });
    }
    progress.record(result.ok);
  });
  progress.finish();
  const wallMs = performance.now() - started;
  const interrupted = services.stop.aborted;

  let judge: JudgeOutcome | undefined;
  if (settings.judgeModel !== undefined && judgeTasks.length > 0 && !services.stop.aborted) {
    judge = await runJudge(judgeTasks, {
      client: services.client,
      model: settings.judgeModel,
      concurrency: settings.concurrency,
      facts: services.facts,
      progress: services.progress('judge', judgeTasks.length, undefined),
      signal: services.stop,
    });
  }
  return { measurements, wallMs, judge, interrupted };
}
