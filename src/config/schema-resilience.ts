/** The resilience parts of `switchyard.yaml` (docs/resilience.md): gates, deployments, hedging. */

import { z } from 'zod';
import { RESILIENCE_DEFAULTS } from './defaults.ts';
import { milliseconds, positiveInt } from './schema-primitives.ts';

const gateSchema = z
  .strictObject({
    max_concurrency: positiveInt.describe('Calls in flight at once; more wait in the queue.'),
    max_queue: z
      .number()
      .int()
      .nonnegative()
      .default(RESILIENCE_DEFAULTS.gate.maxQueue)
      .describe('Calls that may wait for a slot (0: none wait); beyond it the target is full.'),
    queue_timeout_ms: milliseconds
      .default(RESILIENCE_DEFAULTS.gate.queueTimeoutMs)
      .describe('Longest wait for a slot before the target counts as full.'),
  })
  .describe(
    'A throttled gate: bounded concurrency and queue, high priority first. A full gate falls back to the next target, or answers 429 with Retry-After.',
  );

/** What one deployment of a model may take: its share of traffic and its capacity. */
export const deploymentLimitKeys = {
  weight: z
    .number()
    .nonnegative()
    .default(RESILIENCE_DEFAULTS.deploymentWeight)
    .describe('Relative share of traffic among the deployments of one model (0: never chosen).'),
  rpm: positiveInt.optional().describe('Requests per minute this deployment accepts.'),
  tpm: positiveInt.optional().describe('Tokens (input + output) per minute this deployment accepts.'),
  gate: gateSchema.optional(),
};

export const deploymentSchema = z
  .strictObject({
    provider: z.string().min(1).describe('A key of `providers`.'),
    upstream: z.string().min(1).optional().describe("Model name sent upstream (default: the model's)."),
    ...deploymentLimitKeys,
  })
  .describe('Another place the same model is served (another region, vendor or replica).');

export const hedgeSchema = z
  .strictObject({
    after_ms: milliseconds.describe('Start the next target when the first has sent nothing for this long.'),
    quantile: z
      .number()
      .gt(0)
      .lt(1)
      .optional()
      .describe(
        "Instead, once known: this quantile of the first target's observed time to first token (0.95: its p95).",
      ),
  })
  .optional()
  .describe(
    'Hedged requests: if the first target has no first token in time, the next starts too; the first to answer wins and the other is cancelled.',
  );
