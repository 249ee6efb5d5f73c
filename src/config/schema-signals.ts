/** The `signals` block of `switchyard.yaml`: tuning the text signals rules read (docs/routing.md). */

import { z } from 'zod';
import { COMPLEXITY_FEATURES, DEFAULT_COMPLEXITY } from '../features/complexity.ts';

const weightsSchema = z
  .strictObject(
    Object.fromEntries(
      COMPLEXITY_FEATURES.map((feature) => [
        feature,
        z.number().nonnegative().default(DEFAULT_COMPLEXITY.weights[feature]),
      ]),
    ) as Record<(typeof COMPLEXITY_FEATURES)[number], z.ZodDefault<z.ZodNumber>>,
  )
  .describe('Weight of each feature in the score (each feature is 0–3); 0 ignores a feature.');

const complexitySchema = z
  .strictObject({
    bounded_at: z
      .number()
      .nonnegative()
      .default(DEFAULT_COMPLEXITY.boundedAt)
      .describe('A score at or above this is `bounded`.'),
    extended_at: z
      .number()
      .nonnegative()
      .default(DEFAULT_COMPLEXITY.extendedAt)
      .describe('A score at or above this is `extended`.'),
    weights: weightsSchema.prefault({}),
  })
  .describe('The `complexity` signal: trivial / bounded / extended from cheap text features.');

const intentSchema = z
  .strictObject({
    model: z
      .string()
      .min(1)
      .optional()
      .describe('A classifier artifact from `switchyard classifier train` (path relative to this file).'),
    data: z
      .string()
      .min(1)
      .optional()
      .describe('Labelled JSONL rows {"text", "label"} to train on at startup ("oos" rows: out of scope).'),
    examples: z
      .record(z.string().min(1), z.array(z.string().min(1)).min(1))
      .optional()
      .describe(
        'Example utterances per intent, trained on at startup (few-shot); an `oos` key gives out-of-scope examples.',
      ),
    embeddings: z
      .string()
      .min(1)
      .optional()
      .describe(
        'A model (key of `models`) with an embeddings endpoint: classify by nearest centroid over its embeddings of `data` or `examples` instead (one cached call per distinct prompt).',
      ),
    min_confidence: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe('Below this confidence the intent is `oos`; default the threshold calibrated in training.'),
  })
  .describe('The `intent` signal: an intent classifier over the last user turn (docs/classifier.md).');

export const signalsSchema = z
  .strictObject({
    complexity: complexitySchema.prefault({}),
    intent: intentSchema.optional(),
  })
  .prefault({})
  .describe('Tuning of the signals computed from what a request says (complexity, intent).');
