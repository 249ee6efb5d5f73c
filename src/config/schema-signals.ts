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

export const signalsSchema = z
  .strictObject({
    complexity: complexitySchema.prefault({}),
  })
  .prefault({})
  .describe('Tuning of the signals computed from what a request says (complexity, intent).');
