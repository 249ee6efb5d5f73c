/**
 * `switchyard router eval --router router.json --data outcomes.jsonl [--strong M --weak M] [--costs …]
 * [--json] [--plot curve.svg]` — see the router help and docs/routing.md for the metrics' definitions.
 */

import { writeOutputFile } from '../../core/output-file.ts';
import { parseArgs } from 'node:util';
import { evaluateMultiModel, evaluateStrongWeak } from '../../evaluation/evaluate-router.ts';
import { buildOutcomeTable } from '../../evaluation/outcome-table.ts';
import { plotMultiModel, plotStrongWeak } from '../../evaluation/report-plots.ts';
import { describeReadFailure, InputError } from '../../learning/router/input-error.ts';
import { loadRouter } from '../../learning/router/predict.ts';
import { loadOutcomes } from '../../learning/router/read-outcomes.ts';
import { UsageError } from '../usage-error.ts';
import type { CommandIo } from '../validate.ts';
import { renderMultiModelReport, renderStrongWeakReport } from './eval-report.ts';

export async function runRouterEval(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      router: { type: 'string' },
      data: { type: 'string' },
      strong: { type: 'string' },
      weak: { type: 'string' },
      costs: { type: 'string' },
      json: { type: 'boolean' },
      plot: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (values.router === undefined) throw new UsageError('--router <router.json> is required');
  if (values.data === undefined) throw new UsageError('--data <outcomes.jsonl> is required');
  if ((values.strong === undefined) !== (values.weak === undefined)) {
    throw new UsageError('--strong and --weak go together: give both for the binary (strong/weak) mode');
  }
  const costs = values.costs === undefined ? undefined : parseCosts(values.costs);
  if (costs !== undefined && values.strong !== undefined)
    throw new UsageError('--costs applies to the multi-model mode only');

  const router = await loadRouter(values.router);
  const records = (await loadOutcomes(values.data)).map((row) => row.record);

  if (values.strong !== undefined && values.weak !== undefined) {
    const pair = { strong: values.strong, weak: values.weak };
    for (const [flag, model] of [
      ['--strong', pair.strong],
      ['--weak', pair.weak],
    ] as const) {
      if (!router.models.includes(model)) {
        throw new UsageError(`${flag} '${model}' is not a model of the router (${router.models.join(', ')})`);
      }
    }
    if (pair.strong === pair.weak) throw new UsageError('--strong and --weak must be different models');
    const table = buildOutcomeTable(records, [pair.strong, pair.weak]);
    if (table.rows === 0)
      throw new InputError(values.data, `no row has outcomes for both ${pair.strong} and ${pair.weak}`);
    const evaluation = evaluateStrongWeak(router, table, pair);
    io.stdout(values.json === true ? `${JSON.stringify(evaluation)}\n` : renderStrongWeakReport(evaluation));
    if (values.plot !== undefined)
      await writePlot(values.plot, plotStrongWeak(evaluation), io, values.json === true);
    return 0;
  }

  const table = buildOutcomeTable(records, router.models);
  if (table.rows === 0) {
    throw new InputError(
      values.data,
      `no row has outcomes for every router model (${router.models.join(', ')})`,
    );
  }
  const evaluation = evaluateMultiModel(router, table, costs === undefined ? {} : { costs });
  io.stdout(values.json === true ? `${JSON.stringify(evaluation)}\n` : renderMultiModelReport(evaluation));
  if (values.plot !== undefined)
    await writePlot(values.plot, plotMultiModel(evaluation), io, values.json === true);
  return 0;
}

function parseCosts(text: string): number[] {
  const costs = text.split(',').map((part) => Number(part.trim()));
  if (costs.length === 0 || costs.some((cost) => !Number.isFinite(cost) || cost < 0)) {
    throw new UsageError(`--costs must be comma-separated USD amounts ≥ 0, got '${text}'`);
  }
  return costs;
}

async function writePlot(path: string, svg: string, io: CommandIo, quiet: boolean): Promise<void> {
  try {
    await writeOutputFile(path, svg);
  } catch (error) {
    throw new InputError(path, `cannot write: ${describeReadFailure(error)}`);
  }
  // With --json, stdout carries only the JSON object.
  if (quiet) io.stderr(`wrote ${path}\n`);
  else io.stdout(`wrote ${path}\n`);
}
