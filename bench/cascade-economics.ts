/**
 * `node bench/cascade-economics.ts [--data ../shared/data/routerbench-routerdc]` — what a cascade costs
 * and earns on recorded outcomes (RouterBench's ARC-Challenge, MBPP and Winogrande test rows, as re-split
 * by RouterDC), against the single models. Nothing is called: every answer, its correctness and its cost
 * are RouterBench's recordings, so each cascade is replayed exactly as the gateway's `strategy: cascade`
 * would run it — the cheap model answers, a verifier accepts or escalates, every call is paid for.
 *
 * Verifiers that can be replayed from recordings:
 * - **agreement**: a second cheap model's recorded answer must agree with the first (the verifier-model
 *   pattern with a cheap grader; both calls are paid). Answers are compared after normalisation (the
 *   choice letter for multiple choice, whitespace and case otherwise), so free-text code rarely agrees
 *   and escalates;
 * - **oracle**: accepts exactly the correct answers — the upper bound no real verifier reaches.
 * Rows lacking any model used by a cascade are skipped (the table says how many were kept).
 */

import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readRouterBenchCsv } from '../src/learning/router/import-routerbench.ts';
import type { OutcomeRecord } from '../src/learning/router/outcomes.ts';

const { values } = parseArgs({
  options: { data: { type: 'string', default: '../shared/data/routerbench-routerdc' } },
});
const TASKS = ['arc_challenge', 'mbpp', 'winograde'];

const STRONG = 'gpt-4-1106-preview';
const MODELS = {
  mistral: 'mistralai/mistral-7b-chat',
  mixtral: 'mistralai/mixtral-8x7b-chat',
  yi: 'zero-one-ai/Yi-34B-Chat',
  gpt35: 'gpt-3.5-turbo-1106',
  llama: 'meta/llama-2-70b-chat',
  gpt4: STRONG,
} as const;

/** One step: `model` answers; `verifier` (absent on the last step) decides whether its answer stands. */
interface Step {
  readonly model: string;
  readonly verifier?: { readonly kind: 'agreement'; readonly with: string } | { readonly kind: 'oracle' };
}

interface Cascade {
  readonly name: string;
  readonly steps: readonly Step[];
}

const agree = (model: string, other: string): Step => ({
  model,
  verifier: { kind: 'agreement', with: other },
});
const oracle = (model: string): Step => ({ model, verifier: { kind: 'oracle' } });

const CASCADES: readonly Cascade[] = [
  {
    name: `Yi-34B, checked by GPT-3.5 agreement → GPT-4`,
    steps: [agree(MODELS.yi, MODELS.gpt35), { model: STRONG }],
  },
  {
    name: `Mixtral, checked by Yi-34B agreement → GPT-4`,
    steps: [agree(MODELS.mixtral, MODELS.yi), { model: STRONG }],
  },
  {
    name: 'Mistral-7B ✓ Mixtral → Yi-34B ✓ GPT-3.5 → GPT-4',
    steps: [agree(MODELS.mistral, MODELS.mixtral), agree(MODELS.yi, MODELS.gpt35), { model: STRONG }],
  },
  { name: 'Yi-34B, oracle verifier → GPT-4 (upper bound)', steps: [oracle(MODELS.yi), { model: STRONG }] },
];

function normalise(answer: string | undefined): string {
  const text = (answer ?? '').trim().toLowerCase();
  const choice = /^\(?([a-e])\)?(?:[.):\s]|$)/u.exec(text);
  return choice?.[1] ?? text.replace(/\s+/gu, ' ');
}

interface Tally {
  quality: number;
  cost: number;
  escalations: number;
  rows: number;
}

function replay(cascade: Cascade, record: OutcomeRecord, tally: Tally): boolean {
  const needed = cascade.steps.flatMap((step) => [
    step.model,
    ...(step.verifier?.kind === 'agreement' ? [step.verifier.with] : []),
  ]);
  if (needed.some((model) => record.outcomes[model] === undefined)) return false;
  let cost = 0;
  for (const [index, step] of cascade.steps.entries()) {
    const answer = record.outcomes[step.model]!;
    cost += answer.cost;
    const verifier = step.verifier;
    let accepted = verifier === undefined;
    if (verifier?.kind === 'agreement') {
      const second = record.outcomes[verifier.with]!;
      cost += second.cost;
      accepted = normalise(answer.response) === normalise(second.response);
    } else if (verifier?.kind === 'oracle') {
      accepted = answer.quality >= 1;
    }
    if (accepted || index === cascade.steps.length - 1) {
      tally.quality += answer.quality;
      tally.cost += cost;
      tally.escalations += index;
      tally.rows += 1;
      return true;
    }
  }
  return false;
}

const records: OutcomeRecord[] = [];
for (const task of TASKS) {
  for await (const row of readRouterBenchCsv(join(values.data, `${task}_test.csv`))) records.push(row.record);
}

console.log(
  `## Cascade economics on RouterBench (test split, ${records.length} rows) — ${new Date().toISOString()}\n`,
);
console.log('| strategy | rows | accuracy | cost / query (USD) | cost vs GPT-4 | escalations / query |');
console.log('| :-- | --: | --: | --: | --: | --: |');
const gpt4 = { quality: 0, cost: 0, escalations: 0, rows: 0 };
for (const record of records) replay({ name: '', steps: [{ model: STRONG }] }, record, gpt4);
const gpt4Cost = gpt4.cost / gpt4.rows;
const line = (name: string, tally: Tally): void =>
  console.log(
    `| ${name} | ${tally.rows} | ${(tally.quality / tally.rows).toFixed(3)} | ${(tally.cost / tally.rows).toFixed(6)} | ${((tally.cost / tally.rows / gpt4Cost) * 100).toFixed(0)} % | ${(tally.escalations / tally.rows).toFixed(2)} |`,
  );
for (const [label, model] of Object.entries(MODELS)) {
  const single = { quality: 0, cost: 0, escalations: 0, rows: 0 };
  for (const record of records) replay({ name: label, steps: [{ model }] }, record, single);
  line(`single: ${model}`, single);
}
for (const cascade of CASCADES) {
  const tally = { quality: 0, cost: 0, escalations: 0, rows: 0 };
  for (const record of records) replay(cascade, record, tally);
  line(`cascade: ${cascade.name}`, tally);
}
