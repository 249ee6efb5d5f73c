/**
 * The learned router on RouterBench (ARC-Challenge, MBPP, Winogrande; 11 models; RouterDC's train/test
 * split). Runs the CLI exactly as a user would — `router import` for the train and test CSVs into a temp
 * directory, `router train` on the train rows only, `router eval` on the test rows (multi-model and
 * strong/weak) — then prints a markdown table with the targets beside the figures, and writes the plots.
 *
 *   node bench/routerbench.ts [--data-dir /work/shared/data/routerbench-routerdc] [--plot-dir docs/img] [--cv]
 *
 * `--cv` also runs `router train --cv 5` (5-fold cross-validation over L2 on the train rows) to show how the
 * default regularisation was chosen; the test rows are never used for any choice.
 *
 * One extra reference reads the rows' `eval_name` tag — which the router never sees — to show what routing
 * by task alone would reach: each test prompt gets its task's mean quality per model on the train rows.
 */

import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runRouterCommand } from '../src/cli/router.ts';
import type { CommandIo } from '../src/cli/validate.ts';
import {
  averageImprovementInQuality,
  hullQualityAt,
  nonDecreasingHull,
} from '../src/evaluation/cost-quality.ts';
import type { MultiModelEvaluation, StrongWeakEvaluation } from '../src/evaluation/evaluate-router.ts';
import { buildOutcomeTable } from '../src/evaluation/outcome-table.ts';
import { plotMultiModel, plotStrongWeak } from '../src/evaluation/report-plots.ts';
import { lambdaGrid, sweepUtility } from '../src/evaluation/sweep.ts';
import { chooseMaxUtility } from '../src/learning/router/policy.ts';
import { loadRouter, predictQualities } from '../src/learning/router/predict.ts';
import { loadOutcomes } from '../src/learning/router/read-outcomes.ts';
import type { OutcomeRecord } from '../src/learning/router/outcomes.ts';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: '/work/shared/data/routerbench-routerdc' },
    'plot-dir': { type: 'string' },
    cv: { type: 'boolean', default: false },
  },
});

const TARGETS = { accuracy: 0.879, budget: 0.001, aiq: 0.86 };
const STRONG = 'gpt-4-1106-preview';
const WEAK = 'mistralai/mixtral-8x7b-chat';

async function cli(args: readonly string[]): Promise<string> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    env: process.env,
  };
  const code = await runRouterCommand(args, io);
  if (code !== 0) throw new Error(`switchyard router ${args.join(' ')} exited ${code}: ${err.join('')}`);
  return out.join('');
}

async function csvFiles(split: 'train' | 'test'): Promise<string[]> {
  const names = await readdir(values['data-dir']);
  return names
    .filter((name) => name.endsWith(`_${split}.csv`))
    .sort()
    .map((name) => join(values['data-dir'], name));
}

/** Routing by task alone, as a yardstick: per-task mean quality on the train rows as the prediction. */
function taskOnlyReference(
  train: readonly OutcomeRecord[],
  evaluation: MultiModelEvaluation,
  test: readonly OutcomeRecord[],
  models: readonly string[],
) {
  const sums = new Map<string, { quality: number[]; count: number[] }>();
  for (const record of train) {
    const task = record.tags?.eval_name ?? '';
    const entry = sums.get(task) ?? { quality: models.map(() => 0), count: models.map(() => 0) };
    sums.set(task, entry);
    for (const [column, model] of models.entries()) {
      const outcome = record.outcomes[model];
      if (outcome === undefined) continue;
      entry.quality[column]! += outcome.quality;
      entry.count[column]!++;
    }
  }
  const table = buildOutcomeTable(test, models);
  const predictions = new Float64Array(table.rows * models.length);
  for (let row = 0; row < table.rows; row++) {
    const entry = sums.get(table.tags[row]?.eval_name ?? '');
    for (let column = 0; column < models.length; column++) {
      predictions[row * models.length + column] =
        entry === undefined ? 0 : entry.quality[column]! / entry.count[column]!;
    }
  }
  const costs: Record<string, number> = {};
  for (const [model, cost] of evaluation.references.models.map((point) => [point.model, point.cost] as const))
    costs[model] = cost;
  const points = sweepUtility(table, predictions, costs, lambdaGrid(Object.values(costs)));
  return {
    aiq: averageImprovementInQuality(points, evaluation.cost_range),
    atBudget: hullQualityAt(nonDecreasingHull(points), TARGETS.budget) ?? Number.NaN,
  };
}

function latencyOf(router: Awaited<ReturnType<typeof loadRouter>>, texts: readonly string[]) {
  for (const text of texts.slice(0, 200)) predictQualities(router, text);
  const samples: number[] = [];
  for (const text of texts) {
    const started = performance.now();
    const predicted = predictQualities(router, text);
    chooseMaxUtility({ predicted, costs: router.costs }, 25);
    samples.push((performance.now() - started) * 1000);
  }
  samples.sort((left, right) => left - right);
  const at = (share: number) => samples[Math.min(samples.length - 1, Math.floor(share * samples.length))]!;
  return {
    p50: at(0.5),
    p99: at(0.99),
    chars: texts.reduce((sum, text) => sum + text.length, 0) / texts.length,
  };
}

const directory = await mkdtemp(join(tmpdir(), 'switchyard-routerbench-'));
try {
  const trainPath = join(directory, 'train.jsonl');
  const testPath = join(directory, 'test.jsonl');
  const routerPath = join(directory, 'router.json');
  process.stderr.write(
    await cli(['import', 'routerbench', ...(await csvFiles('train')), '--out', trainPath]),
  );
  process.stderr.write(await cli(['import', 'routerbench', ...(await csvFiles('test')), '--out', testPath]));
  if (values.cv)
    process.stderr.write(
      await cli(['train', '--data', trainPath, '--out', join(directory, 'cv.json'), '--cv', '5']),
    );
  const trainStarted = performance.now();
  process.stderr.write(await cli(['train', '--data', trainPath, '--out', routerPath]));
  const trainSeconds = (performance.now() - trainStarted) / 1000;

  const multi = JSON.parse(
    await cli(['eval', '--router', routerPath, '--data', testPath, '--json']),
  ) as MultiModelEvaluation;
  const binary = JSON.parse(
    await cli([
      'eval',
      '--router',
      routerPath,
      '--data',
      testPath,
      '--strong',
      STRONG,
      '--weak',
      WEAK,
      '--json',
    ]),
  ) as StrongWeakEvaluation;

  const router = await loadRouter(routerPath);
  const train = (await loadOutcomes(trainPath)).map((row) => row.record);
  const test = (await loadOutcomes(testPath)).map((row) => row.record);
  const taskOnly = taskOnlyReference(train, multi, test, router.models);
  const latency = latencyOf(router, buildOutcomeTable(test, router.models).texts);

  const hull = nonDecreasingHull(multi.hull);
  const atBudget = hullQualityAt(hull, TARGETS.budget) ?? Number.NaN;
  const zeroAtBudget =
    hullQualityAt(nonDecreasingHull(multi.references.zero_router.hull), TARGETS.budget) ?? Number.NaN;
  const oracleAtBudget =
    hullQualityAt(nonDecreasingHull(multi.references.oracle.curve), TARGETS.budget) ?? Number.NaN;
  const operating = multi.points
    .filter((point) => point.cost <= TARGETS.budget)
    .reduce((best, point) => (point.quality > best.quality ? point : best));
  const strongPoint = multi.references.models.find((point) => point.model === STRONG)!;
  const met = (ok: boolean) => (ok ? 'met' : '**missed**');
  const f3 = (value: number | null) => (value === null || Number.isNaN(value) ? '—' : value.toFixed(3));
  const usd = (value: number | null) => (value === null ? '—' : `$${value.toPrecision(3)}`);
  const pct = (value: number | null) => (value === null ? 'never' : `${(100 * value).toFixed(1)} %`);

  const lines = [
    `Test rows: ${multi.rows} (${multi.skipped_rows} without every model's outcome left out); train: ${train.length} rows, ${trainSeconds.toFixed(1)} s to train.`,
    '',
    '| figure (test rows) | learned router | target | zero router | task-only reference | oracle |',
    '| --- | --- | --- | --- | --- | --- |',
    `| accuracy at ≤ $0.00100 per query (hull) | ${f3(atBudget)} | ≥ ${TARGETS.accuracy} — ${met(atBudget >= TARGETS.accuracy)} | ${f3(zeroAtBudget)} | ${f3(taskOnly.atBudget)} | ${f3(oracleAtBudget)} |`,
    `| best single λ with cost ≤ $0.00100 | ${f3(operating.quality)} at ${usd(operating.cost)} (λ ${Number.isFinite(operating.lambda) ? operating.lambda.toPrecision(3) : '∞'}) | | | | |`,
    `| AIQ over ${usd(multi.cost_range.min)}–${usd(multi.cost_range.max)} | ${multi.aiq.toFixed(4)} | ≥ ${TARGETS.aiq} — ${met(multi.aiq >= TARGETS.aiq)} | ${multi.references.zero_router.aiq.toFixed(4)} | ${taskOnly.aiq.toFixed(4)} | ${multi.references.oracle.aiq.toFixed(4)} |`,
    `| cost to reach ${f3(multi.cost_to_reach.target_quality)} (95 % of ${STRONG}) | ${usd(multi.cost_to_reach.cost)} | | ${usd(multi.references.zero_router.cost_to_reach.cost)} | | |`,
    `| ${STRONG} alone | ${f3(strongPoint.quality)} at ${usd(strongPoint.cost)} | | | | ${f3(multi.references.oracle.quality)} at ${usd(multi.references.oracle.cost)} |`,
    '',
    `Quality at fixed costs (hull): ${multi.quality_at_cost.map((entry, index) => `${usd(entry.cost)} ${f3(entry.quality)} (zero router ${f3(multi.references.zero_router.quality_at_cost[index]?.quality ?? null)})`).join('; ')}.`,
    '',
    `| strong/weak: ${STRONG} vs ${WEAK} (${binary.rows} rows) | APGR | CPT(50%) | CPT(80%) |`,
    '| --- | --- | --- | --- |',
    `| learned router | ${binary.apgr.toFixed(3)} | ${pct(binary.cpt50)} | ${pct(binary.cpt80)} |`,
    `| random | ${binary.references.random.apgr.toFixed(3)} | ${pct(binary.references.random.cpt50)} | ${pct(binary.references.random.cpt80)} |`,
    `| oracle | ${binary.references.oracle.apgr.toFixed(3)} | ${pct(binary.references.oracle.cpt50)} | ${pct(binary.references.oracle.cpt80)} |`,
    '',
    `Artifact: ${((await stat(routerPath)).size / 1024).toFixed(0)} KiB. predictQualities + chooseMaxUtility per test prompt (${latency.chars.toFixed(0)} chars on average): p50 ${latency.p50.toFixed(0)} µs, p99 ${latency.p99.toFixed(0)} µs.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  if (values['plot-dir'] !== undefined) {
    const target = {
      name: `target: ≥ ${TARGETS.accuracy} at ≤ $${TARGETS.budget}`,
      points: [{ x: TARGETS.budget, y: TARGETS.accuracy }],
      color: '#000000',
      marker: 'cross' as const,
    };
    await writeFile(
      join(values['plot-dir'], 'routerbench-curve.svg'),
      plotMultiModel(multi, 'RouterBench test rows (ARC, MBPP, Winogrande; 11 models)', [target]),
    );
    await writeFile(join(values['plot-dir'], 'routerbench-binary.svg'), plotStrongWeak(binary));
    process.stderr.write(`wrote routerbench-curve.svg and routerbench-binary.svg to ${values['plot-dir']}\n`);
  }
} finally {
  await rm(directory, { recursive: true, force: true });
}
