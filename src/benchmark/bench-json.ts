/**
 * The bench JSON (`switchyard bench --json`), versioned by its `format` field: the run's settings, the
 * machine it ran on, and per target its facts and every figure. `catalog snapshot` reads it back through
 * the same schema, so the writer and the reader cannot drift apart. A change that would break a reader
 * bumps the version.
 */

import { z } from 'zod';

export const BENCH_FORMAT = 'switchyard-bench/1';

const percentiles = z.object({
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
  mean: z.number(),
});

const kindCorrectness = z.object({ checked: z.number(), correct: z.number() });

const modelFacts = z.object({
  id: z.string(),
  provider: z.string(),
  contextWindow: z.number(),
  maxOutputTokens: z.number().nullable(),
  pricing: z.object({
    inputPerMillion: z.number(),
    outputPerMillion: z.number(),
    cachedInputPerMillion: z.number().optional(),
  }),
  note: z.string().nullable(),
});

const judgeFigures = z.object({
  model: z.string(),
  calls: z.number(),
  /** Judge calls that failed (any error). */
  failed: z.number(),
  /** Judge answers without a readable `SCORE: n`. */
  ungraded: z.number(),
  costUsd: z.number(),
  meanScore: z.number().nullable(),
});

const targetEntry = z.object({
  label: z.string(),
  kind: z.enum(['model', 'route']),
  name: z.string(),
  route: z.object({ strategy: z.string(), targets: z.array(z.string()) }).nullable(),
  /** The model itself, or the route's targets, as far as the gateway describes them. */
  models: z.array(modelFacts),
  requests: z.number(),
  successes: z.number(),
  errors: z.number(),
  successRate: z.number(),
  errorRate: z.number(),
  errorsByCode: z.record(z.string(), z.number()),
  latencyMs: percentiles.nullable(),
  ttftMs: percentiles.nullable(),
  outputTokensPerSecond: percentiles.nullable(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  cost: z.object({
    totalUsd: z.number(),
    perRequestUsd: z.number().nullable(),
    per1kRequestsUsd: z.number().nullable(),
    perSuccessUsd: z.number().nullable(),
    perCorrectUsd: z.number().nullable(),
    unknownCount: z.number(),
  }),
  correctness: z.object({
    labelled: z.number(),
    checked: z.number(),
    correct: z.number(),
    rate: z.number().nullable(),
    byKind: z.object({
      exact: kindCorrectness,
      regex: kindCorrectness,
      json_schema: kindCorrectness,
      judge: kindCorrectness,
    }),
  }),
  servedBy: z.record(z.string(), z.number()),
  /** This target's answers graded by the judge; its cost is not part of `cost`. */
  judge: judgeFigures.nullable(),
});

export const benchFileSchema = z.object({
  format: z.literal(BENCH_FORMAT),
  createdAt: z.string(),
  settings: z.object({
    data: z.string(),
    rows: z.number(),
    labelledRows: z.number(),
    targets: z.array(z.string()),
    concurrency: z.number(),
    requestsPerTarget: z.number().nullable(),
    durationSeconds: z.number().nullable(),
    stream: z.boolean(),
    judge: z.string().nullable(),
    gateway: z.object({
      mode: z.enum(['in-process', 'url']),
      url: z.string().nullable(),
      config: z.string().nullable(),
      configVersion: z.string().nullable(),
    }),
  }),
  machine: z.object({
    cpus: z.number(),
    cpuModel: z.string(),
    memoryGb: z.number(),
    platform: z.string(),
    arch: z.string(),
    nodeVersion: z.string(),
  }),
  run: z.object({
    wallSeconds: z.number(),
    requests: z.number(),
    requestsPerSecond: z.number(),
    /** Set when the run was stopped early (Ctrl-C). */
    interrupted: z.boolean(),
  }),
  targets: z.array(targetEntry),
  /** Every judge call of the run, all targets together. */
  judge: judgeFigures.nullable(),
});

export type BenchFile = z.infer<typeof benchFileSchema>;
export type BenchTargetEntry = z.infer<typeof targetEntry>;
export type BenchModelFacts = z.infer<typeof modelFacts>;
export type JudgeFigures = z.infer<typeof judgeFigures>;
export type BenchSettings = BenchFile['settings'];

/** A bench file that is not one: the message says which field, or which format it found. */
export class BenchFileError extends Error {
  override readonly name = 'BenchFileError';
}

export function parseBenchFile(text: string, source: string): BenchFile {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new BenchFileError(
      `${source}: not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const format = typeof value === 'object' && value !== null && 'format' in value ? value.format : undefined;
  if (format !== BENCH_FORMAT) {
    throw new BenchFileError(
      `${source}: format is ${JSON.stringify(format) ?? 'missing'}, expected "${BENCH_FORMAT}"`,
    );
  }
  const parsed = benchFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') ?? '';
    throw new BenchFileError(`${source}: ${field === '' ? '' : `${field}: `}${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
