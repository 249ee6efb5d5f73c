/**
 * The verification parts of a route (docs/cascades.md): `cascade` (try targets cheapest first; verifiers
 * accept an answer or escalate to the next) and `verify` (a policy-sensitive route's answer goes out only
 * after a stronger model approves it).
 */

import { z } from 'zod';
import { VERIFICATION_DEFAULTS } from './defaults.ts';
import { milliseconds, httpUrl } from './schema-primitives.ts';

const answerRulesSchema = z
  .strictObject({
    refusal: z
      .boolean()
      .default(VERIFICATION_DEFAULTS.rejectRefusals)
      .describe('Reject answers that refuse ("I can\'t help with that", "As an AI…").'),
    truncated: z
      .boolean()
      .default(VERIFICATION_DEFAULTS.rejectTruncated)
      .describe('Reject answers cut by the output limit (finish_reason length).'),
    json: z
      .boolean()
      .default(VERIFICATION_DEFAULTS.rejectInvalidJson)
      .describe(
        'When the request asked for JSON, reject answers that do not parse or break its json_schema.',
      ),
    pattern: z
      .string()
      .min(1)
      .optional()
      .describe('A regular expression (JavaScript syntax) the answer text must match.'),
    required_fields: z
      .array(z.string().min(1))
      .optional()
      .describe('Top-level fields a JSON answer must have.'),
  })
  .describe('Rule checks: free, run first.');

const verifierModelSchema = z
  .strictObject({
    model: z
      .string()
      .min(1)
      .describe('The model that grades (a key of `models`); its tokens and time count.'),
    min_score: z
      .number()
      .min(0)
      .max(10)
      .default(VERIFICATION_DEFAULTS.minScore)
      .describe('The grade (0–10) an answer needs.'),
    instructions: z
      .string()
      .min(1)
      .optional()
      .describe("Replaces the grader's built-in instructions (it must still answer `SCORE: <0-10>`)."),
  })
  .describe('A model grades the answer against the conversation.');

const webhookSchema = z
  .strictObject({
    url: httpUrl.describe(
      'Receives a POST of the conversation and answer; replies {"accept": bool, "reason"?}.',
    ),
    timeout_ms: milliseconds.default(VERIFICATION_DEFAULTS.webhookTimeoutMs),
    headers: z
      .record(z.string(), z.string())
      .default({})
      .describe('Sent with every call (e.g. an auth token).'),
  })
  .describe('An HTTP service of yours decides.');

export const cascadeSchema = z
  .strictObject({
    rules: answerRulesSchema.default({
      refusal: VERIFICATION_DEFAULTS.rejectRefusals,
      truncated: VERIFICATION_DEFAULTS.rejectTruncated,
      json: VERIFICATION_DEFAULTS.rejectInvalidJson,
    }),
    min_confidence: z
      .number()
      .gt(0)
      .lt(1)
      .optional()
      .describe(
        'Escalate when the geometric-mean token probability (exp of the mean logprob) is below this; asked of targets that return logprobs, skipped for others.',
      ),
    verifier: verifierModelSchema.optional(),
    webhook: webhookSchema.optional(),
    on_verifier_error: z
      .enum(['escalate', 'accept'])
      .default(VERIFICATION_DEFAULTS.cascadeOnVerifierError)
      .describe('When the verifier model or webhook fails or answers nonsense.'),
    max_cost_usd: z
      .number()
      .positive()
      .optional()
      .describe('Stop escalating once the request has spent this much (answers and verifiers).'),
    on_exhausted: z
      .enum(['error', 'last_answer'])
      .default(VERIFICATION_DEFAULTS.onExhausted)
      .describe(
        'When the deadline or max_cost_usd stops the cascade before an answer is accepted: the error, or the last (rejected) answer marked x-switchyard-verified: false.',
      ),
  })
  .describe(
    '`strategy: cascade`: targets are tried cheapest first; each answer but the last must pass these verifiers, else the next target answers.',
  );

export const verifySchema = z
  .strictObject({
    model: z.string().min(1).describe('The stronger model that must approve every answer.'),
    min_score: z.number().min(0).max(10).default(VERIFICATION_DEFAULTS.minScore),
    instructions: z.string().min(1).optional(),
    on_reject: z
      .enum(['refuse', 'escalate'])
      .default(VERIFICATION_DEFAULTS.verifyOnReject)
      .describe('`refuse`: answer with `refusal_text`; `escalate`: `escalate_to` answers instead.'),
    escalate_to: z
      .string()
      .min(1)
      .optional()
      .describe('`on_reject: escalate`: the model that answers instead (default: `model`).'),
    refusal_text: z.string().min(1).default(VERIFICATION_DEFAULTS.refusalText),
  })
  .describe(
    "A verification pass: the route's answer goes out only after `model` approves it (a failed verifier counts as a rejection). Streams are held until approved.",
  );
