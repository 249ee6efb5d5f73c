import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../learning/router/input-error.ts';
import { alpacaEvalOutcomes, readAlpacaEvalAnnotations } from './import-alpacaeval.ts';

function annotation(instruction: string, model: string, answer: string, preference: number) {
  return {
    instruction,
    output_1: 'reference answer',
    generator_1: 'gpt4_1106_preview',
    dataset: 'helpful_base',
    output_2: answer,
    generator_2: model,
    annotator: 'weighted_alpaca_eval_gpt4_turbo',
    preference,
    price_per_example: 0.01,
    time_per_example: 1.2,
    raw_completion: {},
  };
}

let directory = '';

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-alpacaeval-'));
  await mkdir(join(directory, 'good'));
  await writeFile(
    join(directory, 'good', 'big.json'),
    JSON.stringify([
      annotation('Say hi.', 'big', 'Hi!', 1.5),
      annotation('Count to three.', 'big', 'One, two, three.', 1.5),
    ]),
  );
  await writeFile(
    join(directory, 'good', 'small.json'),
    JSON.stringify([
      annotation('Say hi.', 'small', 'Hello there', 1.75),
      annotation('Count to three.', 'small', '', 1),
    ]),
  );
  await mkdir(join(directory, 'mismatch'));
  await writeFile(join(directory, 'mismatch', 'a.json'), JSON.stringify([annotation('One.', 'a', 'x', 1.2)]));
  await writeFile(join(directory, 'mismatch', 'b.json'), JSON.stringify([annotation('Two.', 'b', 'x', 1.2)]));
  await mkdir(join(directory, 'broken'));
  await writeFile(
    join(directory, 'broken', 'a.json'),
    JSON.stringify([{ instruction: 'One.', preference: 3 }]),
  );
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('alpacaEvalOutcomes', () => {
  it('scores each answer by its win probability and prices it by length', async () => {
    const annotations = await readAlpacaEvalAnnotations(join(directory, 'good'));
    const records = alpacaEvalOutcomes(annotations, {
      big: { input: 10, output: 30 },
      small: { input: 1, output: 2 },
    });
    expect(records.map((record) => record.id)).toEqual(['alpaca-001', 'alpaca-002']);
    expect(records[0]).toMatchObject({ prompt: 'Say hi.', tags: { dataset: 'helpful_base' } });
    // "Say hi." is 2 tokens (7 characters / 4, rounded up); "Hi!" 1; "Hello there" 3.
    expect(records[0]?.outcomes.big).toEqual({
      quality: 0.5,
      cost: (2 * 10 + 1 * 30) / 1e6,
      response: 'Hi!',
    });
    expect(records[0]?.outcomes.small?.quality).toBe(0.75);
    expect(records[0]?.outcomes.small?.cost).toBeCloseTo((2 * 1 + 3 * 2) / 1e6, 15);
    // An empty answer costs only its prompt.
    expect(records[1]?.outcomes.small).toEqual({ quality: 0, cost: (4 * 1) / 1e6, response: '' });
  });

  it('refuses a model missing from the price table', async () => {
    const annotations = await readAlpacaEvalAnnotations(join(directory, 'good'));
    expect(() => alpacaEvalOutcomes(annotations, { big: { input: 1, output: 1 } })).toThrow(
      /no price for 'small'/,
    );
  });

  it('refuses files whose instructions differ', async () => {
    const annotations = await readAlpacaEvalAnnotations(join(directory, 'mismatch'));
    const prices = { a: { input: 1, output: 1 }, b: { input: 1, output: 1 } };
    expect(() => alpacaEvalOutcomes(annotations, prices)).toThrow(/b: instruction 1 differs/);
  });

  it('names the file and field of a malformed annotation', async () => {
    const error = await readAlpacaEvalAnnotations(join(directory, 'broken')).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(/a\.json: 0\.\w+: not an AlpacaEval annotation list/);
  });
});
