/**
 * `switchyard router score --router router.json --data outcomes.jsonl` — one JSON line per row:
 * `{"id": ..., "predicted": {"<model>": <predicted quality>, ...}}`, models in the artifact's order.
 * Rows are streamed, so files of any size are scored in constant memory.
 */

import { parseArgs } from 'node:util';
import { promptText } from '../../learning/router/outcomes.ts';
import { loadRouter, predictQualities } from '../../learning/router/predict.ts';
import { readPrompts } from '../../learning/router/read-outcomes.ts';
import { UsageError } from '../usage-error.ts';
import type { CommandIo } from '../validate.ts';

/** Predictions are printed to 6 decimals: finer digits are below the weights' int16 precision. */
const DECIMALS = 6;

export async function runRouterScore(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { router: { type: 'string' }, data: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (values.router === undefined) throw new UsageError('--router <router.json> is required');
  if (values.data === undefined) throw new UsageError('--data <outcomes.jsonl> is required');
  const router = await loadRouter(values.router);
  for await (const { record } of readPrompts(values.data)) {
    const predicted = predictQualities(router, promptText(record));
    for (const model of Object.keys(predicted))
      predicted[model] = Number(predicted[model]!.toFixed(DECIMALS));
    io.stdout(`${JSON.stringify({ id: record.id, predicted })}\n`);
  }
  return 0;
}
