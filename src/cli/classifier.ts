/**
 * `switchyard classifier train|eval|predict` — the in-process intent classifier from the command line:
 * train a model file from labelled JSONL, measure it on labelled JSONL, or label texts with it. The
 * subcommand names, flags and outputs are a stable contract (scripts and the CLINC150 benchmark use them).
 */

import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import {
  DEFAULT_INTENT_TRAINING,
  IntentTrainingError,
  trainIntentClassifier,
} from '../learning/intent/train.ts';
import { loadIntentClassifier, saveIntentClassifier } from '../learning/intent/classifier.ts';
import { evaluateIntentClassifier } from '../learning/intent/metrics.ts';
import {
  describeReadFailure,
  IntentInputError,
  OUT_OF_SCOPE_LABEL,
  parseTextJsonl,
  readLabelledJsonl,
  readTextFile,
} from '../learning/intent/training-data.ts';
import type { OutOfScopePolicy } from '../learning/intent/calibration.ts';
import { asUsageError, USAGE_EXIT_CODE, UsageError } from './usage-error.ts';
import type { CommandIo } from './validate.ts';

export const CLASSIFIER_HELP = `switchyard classifier train --data train.jsonl --out model.json [--calibration val.jsonl]
                             [--reject-in-scope ${DEFAULT_INTENT_TRAINING.outOfScope.rejectInScope}] [--oos-recall R | --threshold T]
                             [--seed ${DEFAULT_INTENT_TRAINING.seed}]
switchyard classifier eval --model model.json --data test.jsonl [--json]
switchyard classifier predict --model model.json --data in.jsonl

The in-process intent classifier (no pretrained weights; docs/classifier.md).

train    Learns from JSONL rows {"text": "...", "label": "..."}; rows labelled oos are out-of-scope
         examples (optional). The out-of-scope threshold is calibrated on --calibration rows if given,
         else on training rows held back in folds: it lets --reject-in-scope of the held-out in-scope
         rows fall to oos, or with --oos-recall reaches that recall on held-out oos rows, or is
         --threshold (a confidence from 0 to 1; 0: only an oos class answers oos).
eval     Prints in-scope accuracy (an in-scope row predicted oos is wrong), oos recall (rows labelled
         oos), macro-F1 and classify latency p50/p99 in µs. --json prints one object with the keys
         accuracy, oos_recall, macro_f1, p50_us, p99_us, n (accuracy and recall as fractions).
predict  Prints one JSON line per input row ({"text": ...}): {"label": ..., "confidence": ...}.

Exit codes: 0 done, 2 usage error or bad input (the message names the file, line and field).`;

const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};

const SUBCOMMANDS = ['train', 'eval', 'predict'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

export async function runClassifierCommand(
  args: readonly string[],
  io: CommandIo = processIo,
): Promise<number> {
  const [first, ...rest] = args;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    (first === undefined ? io.stderr : io.stdout)(`${CLASSIFIER_HELP}\n`);
    return first === undefined ? USAGE_EXIT_CODE : 0;
  }
  const subcommand = SUBCOMMANDS.find((name) => name === first);
  if (subcommand === undefined) {
    io.stderr(
      `switchyard classifier: unknown subcommand '${first}' (expected train, eval or predict)\n\n${CLASSIFIER_HELP}\n`,
    );
    return USAGE_EXIT_CODE;
  }
  try {
    return await runSubcommand(subcommand, rest, io);
  } catch (error) {
    const usage = asUsageError(error);
    if (usage !== undefined) {
      io.stderr(`switchyard classifier ${subcommand}: ${usage.message}\n\n${CLASSIFIER_HELP}\n`);
      return USAGE_EXIT_CODE;
    }
    if (error instanceof IntentInputError || error instanceof IntentTrainingError) {
      io.stderr(`switchyard classifier ${subcommand}: ${error.message}\n`);
      return USAGE_EXIT_CODE;
    }
    throw error;
  }
}

async function runSubcommand(
  subcommand: Subcommand,
  args: readonly string[],
  io: CommandIo,
): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      data: { type: 'string' },
      out: { type: 'string' },
      model: { type: 'string' },
      calibration: { type: 'string' },
      'reject-in-scope': { type: 'string' },
      'oos-recall': { type: 'string' },
      threshold: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) {
    io.stdout(`${CLASSIFIER_HELP}\n`);
    return 0;
  }
  const allowed: Record<Subcommand, readonly string[]> = {
    train: ['data', 'out', 'calibration', 'reject-in-scope', 'oos-recall', 'threshold', 'seed'],
    eval: ['model', 'data', 'json'],
    predict: ['model', 'data'],
  };
  for (const [flag, value] of Object.entries(values)) {
    if (value !== undefined && !allowed[subcommand].includes(flag)) {
      throw new UsageError(`--${flag} is not an option of '${subcommand}'`);
    }
  }
  const required = (flag: 'data' | 'out' | 'model'): string => {
    const value = values[flag];
    if (value === undefined || value === '') throw new UsageError(`--${flag} is required`);
    return value;
  };
  switch (subcommand) {
    case 'train':
      return train(
        {
          data: required('data'),
          out: required('out'),
          calibration: values.calibration,
          policy: policyFlags(values['reject-in-scope'], values['oos-recall'], values.threshold),
          seed: values.seed === undefined ? undefined : integerFlag('--seed', values.seed),
        },
        io,
      );
    case 'eval':
      return evaluate(required('model'), required('data'), values.json === true, io);
    case 'predict':
      return predict(required('model'), required('data'), io);
  }
}

function fractionFlag(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new UsageError(`${flag} must be a number from 0 to 1, got '${text}'`);
  }
  return value;
}

function integerFlag(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new UsageError(`${flag} must be an integer, got '${text}'`);
  return value;
}

function policyFlags(
  rejectText: string | undefined,
  recallText: string | undefined,
  thresholdText: string | undefined,
): OutOfScopePolicy {
  if (thresholdText !== undefined) {
    if (rejectText !== undefined || recallText !== undefined) {
      throw new UsageError(
        '--threshold fixes the threshold: give it without --reject-in-scope or --oos-recall',
      );
    }
    return { threshold: fractionFlag('--threshold', thresholdText) };
  }
  const rejectInScope =
    rejectText === undefined
      ? DEFAULT_INTENT_TRAINING.outOfScope.rejectInScope
      : fractionFlag('--reject-in-scope', rejectText);
  if (recallText === undefined) return { rejectInScope };
  return { oosRecall: fractionFlag('--oos-recall', recallText), rejectInScope };
}

interface TrainFlags {
  readonly data: string;
  readonly out: string;
  readonly calibration: string | undefined;
  readonly policy: OutOfScopePolicy;
  readonly seed: number | undefined;
}

async function train(flags: TrainFlags, io: CommandIo): Promise<number> {
  const rows = await readLabelledJsonl(flags.data);
  const calibration =
    flags.calibration === undefined ? undefined : await readLabelledJsonl(flags.calibration);
  const started = performance.now();
  const classifier = trainIntentClassifier(rows, {
    outOfScope: flags.policy,
    ...(calibration === undefined ? {} : { calibration }),
    ...(flags.seed === undefined ? {} : { seed: flags.seed }),
  });
  const seconds = (performance.now() - started) / 1000;
  let bytes: number;
  try {
    bytes = await saveIntentClassifier(classifier, flags.out);
  } catch (error) {
    throw new IntentInputError(flags.out, `cannot write: ${describeReadFailure(error)}`);
  }
  const { calibration: calibrated, temperature, threshold } = classifier.artifact;
  const hasOutOfScopeClass = classifier.artifact.labels.includes(OUT_OF_SCOPE_LABEL);
  const rejection =
    calibrated.in_scope_rejection === null
      ? ''
      : `; in-scope rejection ${percent(calibrated.in_scope_rejection)}`;
  const recall = calibrated.oos_recall === null ? '' : `, oos recall ${percent(calibrated.oos_recall)}`;
  io.stdout(
    [
      `trained ${classifier.intents.length} intents${hasOutOfScopeClass ? ' + oos' : ''} on ${rows.length} rows in ${seconds.toFixed(1)} s`,
      `calibrated on ${calibrated.rows} held-out rows (${calibrated.source === 'rows' ? flags.calibration : 'training folds'}): temperature ${temperature.toFixed(2)}, threshold ${threshold.toFixed(4)}${rejection}${recall}`,
      `wrote ${flags.out} (${(bytes / 1e6).toFixed(2)} MB)`,
    ].join('\n') + '\n',
  );
  return 0;
}

async function evaluate(modelPath: string, dataPath: string, json: boolean, io: CommandIo): Promise<number> {
  const classifier = await loadIntentClassifier(modelPath);
  const rows = await readLabelledJsonl(dataPath);
  const result = evaluateIntentClassifier(classifier, rows);
  if (json) {
    const { accuracy, oos_recall, macro_f1, p50_us, p99_us, n } = result;
    io.stdout(`${JSON.stringify({ accuracy, oos_recall, macro_f1, p50_us, p99_us, n })}\n`);
    return 0;
  }
  io.stdout(
    [
      `rows        ${result.n} (${result.in_scope_rows} in scope, ${result.oos_rows} oos)`,
      `accuracy    ${percent(result.accuracy)}  (in-scope rows given their intent; predicted oos is wrong)`,
      `oos recall  ${result.oos_recall === null ? 'n/a (no rows labelled oos)' : percent(result.oos_recall)}`,
      `macro-F1    ${result.macro_f1.toFixed(4)}`,
      `latency     p50 ${result.p50_us.toFixed(1)} µs, p99 ${result.p99_us.toFixed(1)} µs`,
    ].join('\n') + '\n',
  );
  return 0;
}

async function predict(modelPath: string, dataPath: string, io: CommandIo): Promise<number> {
  const classifier = await loadIntentClassifier(modelPath);
  const rows = parseTextJsonl(dataPath, await readTextFile(dataPath), false);
  const lines = rows.map((row) => {
    const { label, confidence } = classifier.classify(row.text);
    return JSON.stringify({ label, confidence: Math.round(confidence * 1e4) / 1e4 });
  });
  io.stdout(lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  return 0;
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)} %`;
}
