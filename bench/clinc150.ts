/**
 * `node bench/clinc150.ts [--data path] [--shots 10] [--seed 1]`: the in-process intent classifier on
 * CLINC150 (Larson et al., EMNLP 2019), through the same code as `switchyard classifier train|eval`.
 *
 * The data is read in place (default ../shared/data/clinc150/data_full.json from the repository root)
 * and written as JSONL to a temporary directory, removed at the end:
 *
 * - **full**: learns from train + oos_train (15,100 rows), calibrates on val + oos_val (3,100), reports
 *   on test + oos_test (5,500);
 * - **few-shot**: learns from `--shots` rows per intent drawn from train with a fixed seed (no oos rows),
 *   calibrated on its own rows held back in folds, as a config's examples would be; same test rows.
 *
 * Prints markdown: the two runs (in-scope accuracy, OOS recall, macro-F1, p50/p99 µs, training time,
 * artifact size), the full model's accuracy / OOS-recall trade-off at thresholds calibrated on val
 * with other policies, and the published baselines.
 */

import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runClassifierCommand } from '../src/cli/classifier.ts';
import type { CommandIo } from '../src/cli/validate.ts';
import { chooseThreshold, type OutOfScopePolicy } from '../src/learning/intent/calibration.ts';
import { decideIntent, loadIntentClassifier } from '../src/learning/intent/classifier.ts';
import { seededRandom } from '../src/learning/intent/linear-svm.ts';
import { predictionMetrics } from '../src/learning/intent/metrics.ts';
import {
  OUT_OF_SCOPE_LABEL,
  readLabelledJsonl,
  type LabelledText,
} from '../src/learning/intent/training-data.ts';

const REPO_ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(REPO_ROOT, '../shared/data/clinc150/data_full.json') },
    shots: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
  },
});
const SHOTS = Number(values.shots);
const SEED = Number(values.seed);
const SPLITS = ['train', 'val', 'test', 'oos_train', 'oos_val', 'oos_test'] as const;

type Split = (typeof SPLITS)[number];

function readSplits(path: string): Record<Split, LabelledText[]> {
  const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const splits = {} as Record<Split, LabelledText[]>;
  for (const split of SPLITS) {
    const rows = json[split];
    if (!Array.isArray(rows)) throw new Error(`${path}: no '${split}' split`);
    splits[split] = rows.map((row: unknown) => {
      if (!Array.isArray(row) || typeof row[0] !== 'string' || typeof row[1] !== 'string') {
        throw new Error(`${path}: a '${split}' row is not [text, intent]`);
      }
      return { text: row[0], label: row[1] };
    });
  }
  return splits;
}

/** `shots` rows per intent, drawn with a seeded shuffle. */
function fewShot(rows: readonly LabelledText[], shots: number, seed: number): LabelledText[] {
  const random = seededRandom(seed);
  const shuffled = [...rows];
  for (let index = shuffled.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [shuffled[index], shuffled[other]] = [shuffled[other]!, shuffled[index]!];
  }
  const taken = new Map<string, number>();
  return shuffled.filter((row) => {
    const count = taken.get(row.label) ?? 0;
    taken.set(row.label, count + 1);
    return count < shots;
  });
}

function writeJsonl(path: string, rows: readonly LabelledText[]): string {
  writeFileSync(path, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
  return path;
}

/** Runs a `switchyard classifier` subcommand in process, returning its stdout; fails on a non-zero exit. */
async function classifier(args: readonly string[]): Promise<string> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env: {} };
  const code = await runClassifierCommand(args, io);
  if (code !== 0) throw new Error(`classifier ${args.join(' ')} exited ${code}: ${stderr}`);
  return stdout;
}

interface RunResult {
  readonly name: string;
  readonly trainRows: number;
  readonly trainSeconds: number;
  readonly artifactBytes: number;
  readonly trainSummary: string;
  readonly accuracy: number;
  readonly oos_recall: number | null;
  readonly macro_f1: number;
  readonly p50_us: number;
  readonly p99_us: number;
  readonly n: number;
}

async function run(
  name: string,
  directory: string,
  train: string,
  test: string,
  calibration?: string,
): Promise<RunResult> {
  const model = join(directory, `${name}.model.json`);
  const started = performance.now();
  const trainSummary = await classifier([
    'train',
    '--data',
    train,
    '--out',
    model,
    '--seed',
    String(SEED),
    ...(calibration === undefined ? [] : ['--calibration', calibration]),
  ]);
  const trainSeconds = (performance.now() - started) / 1000;
  const evaluation = JSON.parse(
    await classifier(['eval', '--model', model, '--data', test, '--json']),
  ) as Omit<RunResult, 'name' | 'trainRows' | 'trainSeconds' | 'artifactBytes' | 'trainSummary'>;
  const trainRows = readFileSync(train, 'utf8').trim().split('\n').length;
  return { name, trainRows, trainSeconds, artifactBytes: statSync(model).size, trainSummary, ...evaluation };
}

const percent = (fraction: number | null): string =>
  fraction === null ? 'n/a' : (fraction * 100).toFixed(1);

/** The full model's test accuracy and OOS recall at thresholds chosen on val by other policies. */
async function tradeOff(
  modelPath: string,
  val: readonly LabelledText[],
  test: readonly LabelledText[],
): Promise<string[]> {
  const model = await loadIntentClassifier(modelPath);
  const valScores = val.map((row) => ({ row, score: model.score(row.text) }));
  const testScores = test.map((row) => ({ row, score: model.score(row.text) }));
  const policies: { name: string; policy: OutOfScopePolicy }[] = [
    ...[0, 0.01, 0.02, 0.05, 0.1].map((rejectInScope) => ({
      name: `reject ${(rejectInScope * 100).toFixed(0)} % of val in-scope`,
      policy: { rejectInScope },
    })),
    ...[0.5, 0.6, 0.7, 0.8].map((oosRecall) => ({
      name: `${(oosRecall * 100).toFixed(0)} % val OOS recall`,
      policy: { oosRecall, rejectInScope: 0 },
    })),
  ];
  const lines = [
    '| threshold policy (on val) | threshold | val in-scope rejected % | test in-scope accuracy % | test OOS recall % |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const { name, policy } of policies) {
    const choice = chooseThreshold(
      valScores.filter(({ row }) => row.label !== OUT_OF_SCOPE_LABEL).map(({ score }) => score),
      valScores.filter(({ row }) => row.label === OUT_OF_SCOPE_LABEL).map(({ score }) => score),
      policy,
    );
    const metrics = predictionMetrics(
      testScores.map(({ row }) => row.label),
      testScores.map(({ score }) => decideIntent(score, choice.threshold).label),
    );
    const marker = choice.threshold === model.threshold ? ' (default)' : '';
    lines.push(
      `| ${name}${marker} | ${choice.threshold.toFixed(4)} | ${percent(choice.inScopeRejection)} | ${percent(metrics.accuracy)} | ${percent(metrics.oos_recall)} |`,
    );
  }
  return lines;
}

const splits = readSplits(values.data);
const directory = mkdtempSync(join(tmpdir(), 'switchyard-clinc150-'));
try {
  const train = writeJsonl(join(directory, 'train.jsonl'), [...splits.train, ...splits.oos_train]);
  const val = writeJsonl(join(directory, 'val.jsonl'), [...splits.val, ...splits.oos_val]);
  const test = writeJsonl(join(directory, 'test.jsonl'), [...splits.test, ...splits.oos_test]);
  const shots = writeJsonl(join(directory, 'few-shot.jsonl'), fewShot(splits.train, SHOTS, SEED));

  const full = await run('full', directory, train, test, val);
  const few = await run(`few-shot`, directory, shots, test);

  console.log(
    `machine: ${cpus()[0]?.model.trim() ?? 'unknown'}, ${availableParallelism()} cores, load ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}; node ${process.version}\n`,
  );
  console.log(
    '| run | training rows | in-scope accuracy % | OOS recall % | macro-F1 | p50 µs | p99 µs | train s | artifact MB |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const result of [full, few]) {
    const label =
      result === full
        ? 'full: train + oos_train, calibrated on val + oos_val'
        : `few-shot: ${SHOTS} per intent (seed ${SEED}), no oos rows, calibrated on held-out folds`;
    console.log(
      `| ${label} | ${result.trainRows} | ${percent(result.accuracy)} | ${percent(result.oos_recall)} | ${result.macro_f1.toFixed(3)} | ${result.p50_us.toFixed(1)} | ${result.p99_us.toFixed(1)} | ${result.trainSeconds.toFixed(1)} | ${(result.artifactBytes / 1e6).toFixed(2)} |`,
    );
  }
  console.log(
    `\nTest: ${full.n} rows (test + oos_test).\n\nfull: ${full.trainSummary}\nfew-shot: ${few.trainSummary}`,
  );
  console.log('Full model, other thresholds (chosen on val + oos_val, measured on test + oos_test):\n');
  console.log(
    (
      await tradeOff(
        join(directory, 'full.model.json'),
        await readLabelledJsonl(val),
        await readLabelledJsonl(test),
      )
    ).join('\n'),
  );
  console.log(`
Published baselines (Larson et al. 2019, Table 2, "Full"; in-scope accuracy % / OOS recall %):

| classifier | oos as a class | threshold on val |
| --- | ---: | ---: |
| FastText | 89.0 / 9.7 | 88.6 / 28.3 |
| SVM | 91.0 / 14.5 | 88.2 / 18.0 |
| CNN | 91.2 / 18.9 | 90.9 / 30.9 |
| MLP on USE embeddings (pretrained) | 93.5 / 47.4 | 93.4 / 49.1 |
| BERT (pretrained) | 96.9 / 40.3 | 96.2 / 52.3 |`);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
