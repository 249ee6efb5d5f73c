/**
 * `switchyard router train --data outcomes.jsonl --out router.json [--models a,b,c] [--l2 x] [--epochs n]
 * [--seed n] [--cv k]`
 */

import { writeOutputFile } from '../../core/output-file.ts';
import { parseArgs } from 'node:util';
import { chooseL2ByCrossValidation } from '../../learning/router/cross-validate.ts';
import { describeReadFailure, InputError } from '../../learning/router/input-error.ts';
import { loadOutcomes } from '../../learning/router/read-outcomes.ts';
import {
  buildTrainingSet,
  DEFAULT_FIT,
  DEFAULT_ROUTER_FEATURES,
  modelsInRecords,
  summariseModels,
  trainRouterOnSet,
} from '../../learning/router/train.ts';
import { UsageError } from '../usage-error.ts';
import type { CommandIo } from '../validate.ts';

export async function runRouterTrain(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      data: { type: 'string' },
      out: { type: 'string' },
      models: { type: 'string' },
      l2: { type: 'string' },
      epochs: { type: 'string' },
      seed: { type: 'string' },
      cv: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (values.data === undefined) throw new UsageError('--data <outcomes.jsonl> is required');
  if (values.out === undefined) throw new UsageError('--out <router.json> is required');
  const fit = {
    ...DEFAULT_FIT,
    ...(values.l2 === undefined ? {} : { l2: parseNumberFlag('--l2', values.l2, 0) }),
    ...(values.epochs === undefined ? {} : { epochs: parseIntegerFlag('--epochs', values.epochs, 1, 1000) }),
    ...(values.seed === undefined ? {} : { seed: parseIntegerFlag('--seed', values.seed, 0, 2 ** 32 - 1) }),
  };
  if (fit.l2 * fit.learningRate >= 1) throw new UsageError(`--l2 must be below ${1 / fit.learningRate}`);
  const folds = values.cv === undefined ? undefined : parseIntegerFlag('--cv', values.cv, 2, 20);
  if (folds !== undefined && values.l2 !== undefined)
    throw new UsageError('--cv chooses --l2: give one or the other');

  const started = performance.now();
  const records = (await loadOutcomes(values.data)).map((row) => row.record);
  const available = modelsInRecords(records);
  const models = values.models === undefined ? available : parseModelList(values.models);
  const unknown = models.filter((model) => !available.includes(model));
  if (unknown.length > 0) {
    throw new InputError(
      values.data,
      `no outcomes for --models ${unknown.map((model) => `'${model}'`).join(', ')}`,
    );
  }
  const features = DEFAULT_ROUTER_FEATURES;
  const set = buildTrainingSet(records, models, features);

  let chosenFit = fit;
  let crossValidation: Record<string, unknown> = {};
  if (folds !== undefined) {
    const { best, trials } = chooseL2ByCrossValidation(set, fit, folds);
    for (const trial of trials) {
      io.stdout(
        `cv ${folds}-fold  l2 ${trial.l2.toExponential(0)}  loss ${trial.loss.toFixed(5)}${trial.l2 === best ? '  ← chosen' : ''}\n`,
      );
    }
    chosenFit = { ...fit, l2: best };
    crossValidation = { cross_validation: { folds, trials } };
  }
  const artifact = trainRouterOnSet(set, features, chosenFit, crossValidation);
  const text = `${JSON.stringify(artifact)}\n`;
  try {
    await writeOutputFile(values.out, text);
  } catch (error) {
    throw new InputError(values.out, `cannot write: ${describeReadFailure(error)}`);
  }

  const seconds = (performance.now() - started) / 1000;
  io.stdout(
    `trained on ${records.length} rows in ${seconds.toFixed(1)} s (l2 ${chosenFit.l2}, ${chosenFit.epochs} epochs; text features, no embeddings)\n`,
  );
  for (const summary of summariseModels(set)) {
    io.stdout(
      `  ${summary.id.padEnd(36)} rows ${String(summary.trainingRows).padStart(6)}  mean quality ${summary.meanQuality.toFixed(3)}  mean cost $${summary.meanCostUsd.toPrecision(3)}\n`,
    );
  }
  io.stdout(`wrote ${values.out} (${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB)\n`);
  return 0;
}

function parseModelList(text: string): string[] {
  const models = text
    .split(',')
    .map((model) => model.trim())
    .filter((model) => model !== '');
  if (models.length === 0) throw new UsageError('--models must name at least one model');
  if (new Set(models).size !== models.length) throw new UsageError('--models names a model twice');
  return models;
}

function parseNumberFlag(flag: string, text: string, minimum: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < minimum) {
    throw new UsageError(`${flag} must be a number ≥ ${minimum}, got '${text}'`);
  }
  return value;
}

export function parseIntegerFlag(flag: string, text: string, minimum: number, maximum: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < minimum || value > maximum) {
    throw new UsageError(`${flag} must be an integer from ${minimum} to ${maximum}, got '${text}'`);
  }
  return value;
}
