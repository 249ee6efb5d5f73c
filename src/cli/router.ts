/**
 * `switchyard router <import|train|score|eval>` — learn routing from outcomes and evaluate routers
 * offline. Each subcommand lives in cli/router/ and is imported only when it runs. Bad input (unreadable
 * or malformed files, unknown models) is reported with the file, line and field, exit code 2.
 */

import { InputError } from '../learning/router/input-error.ts';
import { PolicyError } from '../learning/router/policy.ts';
import { TrainingError } from '../learning/router/train.ts';
import { asUsageError, USAGE_EXIT_CODE } from './usage-error.ts';
import type { CommandIo } from './validate.ts';

export const ROUTER_HELP = `switchyard router <subcommand> [options]

Learn which model to route a prompt to from recorded outcomes, and measure routers offline.
The outcomes format (JSONL, one prompt per line) is described in docs/routing.md.

  switchyard router import routerbench <csv files...> [--out outcomes.jsonl] [--without-responses]
      Convert RouterBench's wide CSV (one quality column per model, <model>|total_cost,
      <model>|model_response) to outcomes JSONL (stdout without --out).

  switchyard router import request-log --db switchyard-requests.sqlite --scores scores.jsonl
                                       [--out outcomes.jsonl]
      The gateway's SQLite request log (routes with log_bodies) joined with quality scores
      ({"request_id": "...", "quality": 0.8} per line): one row per scored successful request.

  switchyard router train --data outcomes.jsonl --out router.json [--models a,b,c]
                          [--l2 0.001] [--epochs 20] [--seed 1] [--cv 5]
      Learn each model's expected quality for a prompt from its text (hashed word and character
      n-grams; no embeddings). --cv k picks the L2 strength by k-fold cross-validation on --data.

  switchyard router score --router router.json --data outcomes.jsonl
      One JSON line per row: {"id": ..., "predicted": {"<model>": <predicted quality>, ...}}.

  switchyard router eval --router router.json --data outcomes.jsonl [--strong M --weak M]
                         [--costs 0.0005,0.001] [--json] [--plot curve.svg]
      Multi-model (default): AIQ, quality at fixed costs, cost to reach 95 % of the best single
      model. With --strong/--weak: APGR, CPT(50%), CPT(80%). Always beside each single model,
      random routing, the zero router and the oracle. --plot writes an SVG curve.

Exit codes: 0 done, 2 usage error or bad input.`;

type Subcommand = (args: readonly string[], io: CommandIo) => Promise<number>;

const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  import: async (args, io) => (await import('./router/import.ts')).runRouterImport(args, io),
  train: async (args, io) => (await import('./router/train.ts')).runRouterTrain(args, io),
  score: async (args, io) => (await import('./router/score.ts')).runRouterScore(args, io),
  eval: async (args, io) => (await import('./router/eval.ts')).runRouterEval(args, io),
};

const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};

export async function runRouterCommand(args: readonly string[], io: CommandIo = processIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(`${ROUTER_HELP}\n`);
    return name === undefined ? USAGE_EXIT_CODE : 0;
  }
  const subcommand = SUBCOMMANDS[name];
  if (subcommand === undefined) {
    io.stderr(`switchyard router: unknown subcommand '${name}'\n\n${ROUTER_HELP}\n`);
    return USAGE_EXIT_CODE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${ROUTER_HELP}\n`);
    return 0;
  }
  try {
    return await subcommand(rest, io);
  } catch (error) {
    const usage = asUsageError(error);
    if (usage !== undefined) {
      io.stderr(`switchyard router ${name}: ${usage.message}\n`);
      return USAGE_EXIT_CODE;
    }
    if (error instanceof InputError || error instanceof TrainingError || error instanceof PolicyError) {
      io.stderr(`switchyard router ${name}: ${error.message}\n`);
      return USAGE_EXIT_CODE;
    }
    throw error;
  }
}
