/**
 * AlpacaEval 2.0's per-prompt judgments → outcomes JSONL, for the chat routing example
 * (examples/alpacaeval/README.md). Reads the annotation files in place (never copies them) and writes two
 * halves, alternating rows: `alpacaeval-train.jsonl` (rows 1, 3, 5, …) to train a router on, and
 * `alpacaeval-test.jsonl` (rows 2, 4, 6, …) to evaluate configs on.
 *
 *   npx node bench/alpacaeval-outcomes.ts [--data /work/shared/data/alpacaeval-subset] [--out-dir .switchyard/eval]
 *
 * Quality of a model on a prompt = its win probability against GPT-4 Turbo's reference answer
 * (`preference − 1`). Cost = prompt and answer tokens (characters / 4) × the price table below.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  alpacaEvalOutcomes,
  readAlpacaEvalAnnotations,
  type TokenPrice,
} from '../src/evaluation/import-alpacaeval.ts';
import { formatOutcomeRecord, type OutcomeRecord } from '../src/learning/router/outcomes.ts';

/**
 * USD per million tokens (input / output). The API models: their providers' list prices while these
 * versions were current (late 2023 – early 2024). The open-weights models have no list price: a typical
 * hosted per-token price for their size is assumed (13–14B 0.30, 7B 0.20, 2B 0.10, input and output).
 */
export const ALPACAEVAL_PRICES: Readonly<Record<string, TokenPrice>> = {
  gpt4_1106_preview: { input: 10, output: 30 },
  'claude-2': { input: 8, output: 24 },
  'claude-2.1': { input: 8, output: 24 },
  'claude-instant-1.2': { input: 0.8, output: 2.4 },
  'gpt-3.5-turbo-1106': { input: 1, output: 2 },
  'Qwen-14B-Chat': { input: 0.3, output: 0.3 },
  'vicuna-13b-v1.5': { input: 0.3, output: 0.3 },
  'gemma-7b-it': { input: 0.2, output: 0.2 },
  'gemma-2b-it': { input: 0.1, output: 0.1 },
};

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '/work/shared/data/alpacaeval-subset' },
    'out-dir': { type: 'string', default: '.switchyard/eval' },
  },
  strict: true,
});

const annotations = await readAlpacaEvalAnnotations(join(values.data, 'annotations'));
const records = alpacaEvalOutcomes(annotations, ALPACAEVAL_PRICES);
await mkdir(values['out-dir'], { recursive: true });
const halves = {
  train: records.filter((_, index) => index % 2 === 0),
  test: records.filter((_, index) => index % 2 === 1),
};
for (const [half, rows] of Object.entries(halves)) {
  const path = join(values['out-dir'], `alpacaeval-${half}.jsonl`);
  await writeFile(path, `${rows.map((record) => formatOutcomeRecord(record)).join('\n')}\n`);
  process.stdout.write(`wrote ${rows.length} rows to ${path}\n`);
}

/** Mean quality and cost per model over all rows, to check against PROVENANCE.md's table. */
function summary(rows: readonly OutcomeRecord[]): string {
  const lines = [...annotations.keys()].map((model) => {
    const outcomes = rows.map((record) => record.outcomes[model]!);
    const quality = outcomes.reduce((sum, outcome) => sum + outcome.quality, 0) / outcomes.length;
    const cost = outcomes.reduce((sum, outcome) => sum + outcome.cost, 0) / outcomes.length;
    return `  ${model.padEnd(20)} win-prob ${quality.toFixed(3)}  cost/prompt $${cost.toPrecision(3)}`;
  });
  return `${lines.join('\n')}\n`;
}
process.stdout.write(`all ${records.length} rows:\n${summary(records)}`);
