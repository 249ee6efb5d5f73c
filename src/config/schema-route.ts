/** A route in `switchyard.yaml` (docs/configuration.md, docs/routing.md): its targets, strategy and policies. */

import { z } from 'zod';
import { RESILIENCE_DEFAULTS, ROUTING_DEFAULTS } from './defaults.ts';
import { learnedSchema } from './schema-learned.ts';
import { milliseconds, positiveInt, tagList } from './schema-primitives.ts';
import { hedgeSchema } from './schema-resilience.ts';
import { cascadeSchema, verifySchema } from './schema-verification.ts';

export const onUnsupportedSchema = z
  .enum(['strict', 'lenient'])
  .describe(
    '`strict`: a target that cannot carry a request feature (logprobs, top_k, images, …) is refused with 400 unsupported_parameter, or skipped in a fallback chain; `lenient`: the feature is dropped and named in x-switchyard-dropped-params.',
  );

export const retrySchema = z
  .strictObject({
    attempts: positiveInt
      .default(ROUTING_DEFAULTS.retry.attempts)
      .describe('Attempts per target, the first included; 1 never retries the same target.'),
    base_delay_ms: milliseconds.default(ROUTING_DEFAULTS.retry.baseDelayMs),
    max_delay_ms: milliseconds.default(ROUTING_DEFAULTS.retry.maxDelayMs),
    max_retry_after_ms: milliseconds
      .default(ROUTING_DEFAULTS.retry.maxRetryAfterMs)
      .describe('A longer Retry-After moves on to the next target instead of waiting.'),
    budget: z
      .number()
      .int()
      .nonnegative()
      .default(ROUTING_DEFAULTS.retry.budget)
      .describe('Same-target retries allowed per request, across all targets.'),
  })
  .describe(
    'Same-target retries: exponential backoff with full jitter, Retry-After honoured (docs/configuration.md).',
  );

export const routeSchema = z.strictObject({
  name: z.string().min(1),
  strategy: z
    .enum(['single', 'fallback', 'split', 'cascade', 'learned'])
    .optional()
    .describe(
      'Default: single for one target, fallback for several. `split` draws one target by `weights` (a canary), the others following as fallbacks. `cascade` tries targets cheapest first and escalates when `cascade` verifiers reject an answer. `learned` picks by a learned router (`learned`), the rest following by predicted quality.',
    ),
  targets: z.array(z.string().min(1)).min(1).describe('Model ids, in the order they are tried.'),
  weights: z
    .array(z.number().nonnegative())
    .optional()
    .describe('`split` only: one weight per target (relative; 90 and 10 send about 10 % to the second).'),
  sticky: z
    .string()
    .min(1)
    .default(ROUTING_DEFAULTS.splitSticky)
    .describe(
      '`split` only: the signal whose value keeps a request on the same target (default conversation_id: a conversation stays on one model); requests without it draw at random.',
    ),
  context_overflow: z
    .enum(['reject', 'reroute', 'trim', 'summarize'])
    .default(ROUTING_DEFAULTS.contextOverflow)
    .describe(
      'When no target can hold the request: `reject` (400 context_length_exceeded with the counts), `reroute` to `reroute_to`, `trim` the oldest history, or `summarize` it with `summarize_with`, to fit the largest target.',
    ),
  summarize_with: z
    .string()
    .min(1)
    .optional()
    .describe(
      '`context_overflow: summarize`: the (cheap) model that condenses older history; summaries are cached per conversation.',
    ),
  reroute_to: z
    .string()
    .min(1)
    .optional()
    .describe('`context_overflow: reroute`: the long-context model to send what does not fit.'),
  on_unsupported: onUnsupportedSchema
    .optional()
    .describe('What to do with a request feature a target cannot carry (default: the top-level setting).'),
  match: z
    .string()
    .min(1)
    .optional()
    .describe(
      'A rule over request signals (docs/routing-rules.md), e.g. `convo_length > 8 || priority == "high"`. For `model: auto`, routes are tried in order and the first whose rule holds serves.',
    ),
  pin: z
    .boolean()
    .default(false)
    .describe(
      'A pinned route with a `match` serves every request its rule holds for, even one naming another model or route (compliance).',
    ),
  require_tags: tagList
    .default([])
    .describe('Only targets carrying every one of these tags (on the model or its provider) may serve.'),
  retry: retrySchema.optional().describe('Default: the top-level `retry`.'),
  deadline_ms: milliseconds
    .optional()
    .describe('End-to-end deadline of a request on this route (default: the top-level deadline_ms).'),
  first_token_ms: milliseconds
    .optional()
    .describe('Streams: a target that sends no first token within this many ms is abandoned for the next.'),
  log_bodies: z
    .boolean()
    .optional()
    .describe(
      'Store prompts and completions of this route in the request log (default: request_log.bodies).',
    ),
  commit: z
    .enum(['first-token', 'buffer'])
    .default(RESILIENCE_DEFAULTS.commit)
    .describe(
      'Streams: when output starts reaching the client. `first-token`: at once (a later failure ends the stream with an in-band error); `buffer`: held until the answer is complete or `commit_buffer_chars` long, so a failure before that restarts on a fallback unseen.',
    ),
  commit_buffer_chars: positiveInt
    .default(RESILIENCE_DEFAULTS.commitBufferChars)
    .describe('`commit: buffer`: output held before the stream commits anyway.'),
  resume: z
    .enum(['off', 'prefill'])
    .default(RESILIENCE_DEFAULTS.resume)
    .describe(
      'Streams cut after commit: `prefill` continues the answer on the next target that declares assistant_prefill, sending what was streamed as the start of its reply; `off` ends with an in-band error.',
    ),
  hedge: hedgeSchema,
  cascade: cascadeSchema
    .optional()
    .describe('`strategy: cascade`: how each answer is verified (default: rule checks).'),
  verify: verifySchema.optional(),
  learned: learnedSchema.optional(),
});
