/**
 * The `replay` provider's own keys (docs/configuration.md): answers are recorded outcomes looked up by
 * prompt, so a whole routing config can run end to end on real recorded answers (`switchyard eval`).
 */

import { z } from 'zod';

export const REPLAY_DEFAULTS = {
  // A prompt with no recording is a failure: a silently simulated answer would skew an evaluation.
  onMiss: 'error',
  // Answer at once: eval reads recorded latencies from the outcomes, so waiting them out adds nothing.
  latency: 'zero',
  // Recorded prompts must never be filtered out for length; the window is only a routing bound here.
  contextWindow: 1_000_000,
  // Recorded costs are what eval reports; the gateway's own price accounting has nothing to charge.
  pricing: { inputPerMillion: 0, outputPerMillion: 0 },
  // Simulated answers on a miss are seeded, so a rerun answers the same.
  simulateSeed: 1,
} as const;

export const replayProviderKeys = {
  outcomes: z
    .string()
    .min(1)
    .describe(
      'Outcomes JSONL (the learned-router format) whose recorded answers are served, path relative to this file.',
    ),
  on_miss: z
    .enum(['error', 'simulate'])
    .default(REPLAY_DEFAULTS.onMiss)
    .describe(
      'A prompt with no recording for the model: `error` (502 upstream_not_found) or `simulate` (a simulated answer).',
    ),
  latency: z
    .enum(['zero', 'recorded'])
    .default(REPLAY_DEFAULTS.latency)
    .describe('`recorded` waits each outcome’s latency_ms before answering; `zero` answers at once.'),
};
