/**
 * AlpacaEval 2.0 pairwise annotations → outcome records, for routing on open-ended chat. Each annotation
 * file holds one model's 805 answers, each judged against GPT-4 Turbo's reference answer; `preference`
 * runs from 1 (reference preferred) to 2 (the model's answer preferred), so the model's quality on a
 * prompt is its win probability, `preference − 1` (the reference itself sits at 0.5).
 *
 * AlpacaEval records no token counts or prices for the answering models, so cost is estimated: prompt
 * and answer lengths in tokens (characters / 4, the gateway's estimate) × a price table the caller
 * states. Every file must list the same instructions in the same order; a mismatch is an error.
 */

import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { estimateTokens } from '../features/tokens.ts';
import { describeReadFailure, InputError } from '../learning/router/input-error.ts';
import type { ModelOutcome, OutcomeRecord } from '../learning/router/outcomes.ts';

export interface TokenPrice {
  /** USD per million prompt tokens. */
  readonly input: number;
  /** USD per million answer tokens. */
  readonly output: number;
}

const annotationSchema = z.object({
  instruction: z.string(),
  output_2: z.string(),
  generator_2: z.string(),
  dataset: z.string(),
  preference: z.number().min(1).max(2),
});

export type AlpacaEvalAnnotation = z.infer<typeof annotationSchema>;

/** Model name (the file name without `.json`) → its annotations, for every file in `directory`. */
export async function readAlpacaEvalAnnotations(
  directory: string,
): Promise<Map<string, AlpacaEvalAnnotation[]>> {
  let names: string[];
  try {
    names = (await readdir(directory)).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    throw new InputError(directory, `cannot read: ${describeReadFailure(error)}`);
  }
  if (names.length === 0) throw new InputError(directory, 'no annotation files (*.json)');
  const annotations = new Map<string, AlpacaEvalAnnotation[]>();
  for (const name of names) {
    const path = join(directory, name);
    let value: unknown;
    try {
      value = JSON.parse(await readFile(path, 'utf8')) as unknown;
    } catch (error) {
      throw new InputError(path, `cannot read as JSON: ${describeReadFailure(error)}`);
    }
    const parsed = z.array(annotationSchema).safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(path, `not an AlpacaEval annotation list: ${issue?.message ?? 'invalid'}`, {
        field: issue?.path.join('.') ?? '',
      });
    }
    annotations.set(basename(name, '.json'), parsed.data);
  }
  return annotations;
}

/** One record per instruction, with every priced model's win probability, estimated cost and answer. */
export function alpacaEvalOutcomes(
  annotations: ReadonlyMap<string, readonly AlpacaEvalAnnotation[]>,
  prices: Readonly<Record<string, TokenPrice>>,
): OutcomeRecord[] {
  const models = [...annotations.keys()];
  const unpriced = models.filter((model) => prices[model] === undefined);
  if (unpriced.length > 0) {
    throw new InputError('price table', `no price for ${unpriced.map((model) => `'${model}'`).join(', ')}`);
  }
  const [first] = annotations.values();
  for (const [model, answers] of annotations) {
    if (answers.length !== first?.length) {
      throw new InputError(model, `${answers.length} annotations where the others have ${first?.length}`);
    }
  }
  const records: OutcomeRecord[] = [];
  for (const [index, reference] of (first ?? []).entries()) {
    const promptTokens = estimateTokens(reference.instruction);
    const outcomes: Record<string, ModelOutcome> = {};
    for (const [model, answers] of annotations) {
      const answer = answers[index];
      if (answer?.instruction !== reference.instruction) {
        throw new InputError(model, `instruction ${index + 1} differs from the other files'`);
      }
      const price = prices[model]!;
      outcomes[model] = {
        quality: answer.preference - 1,
        cost: (promptTokens * price.input + estimateTokens(answer.output_2) * price.output) / 1_000_000,
        response: answer.output_2,
      };
    }
    records.push({
      id: `alpaca-${String(index + 1).padStart(3, '0')}`,
      prompt: reference.instruction,
      outcomes,
      tags: { dataset: reference.dataset },
    });
  }
  return records;
}
