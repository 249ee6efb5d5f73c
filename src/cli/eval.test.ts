/**
 * `switchyard eval` end to end on the hand-made outcomes file: the config really routes (a rule sends
 * long prompts to `big`), replay providers answer, and the figures are the recorded ones. The canary
 * gate's exit codes: 0 pass, 1 regression, 2 usage or input errors.
 */

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvalCommand } from './eval.ts';
import type { CommandIo } from './validate.ts';

const FIXTURE = join(import.meta.dirname, '../../test/fixtures/outcomes-small.jsonl');

const CONFIG = `
server: { log_level: silent }
providers:
  recorded: { type: replay, outcomes: ${FIXTURE} }
  partial: { type: replay, outcomes: easy-only.jsonl }
models:
  big: { provider: recorded, upstream: strong }
  small: { provider: recorded, upstream: cheap }
  small-partial: { provider: partial, upstream: cheap }
routes:
  - { name: hard, match: 'last_user_chars > 60', targets: [big] }
  - { name: easy, targets: [small] }
  - { name: flaky, targets: [small-partial] }
default_route: easy
`;

// `partial` recorded only two easy prompts: a route on it fails the other rows.
const EASY_ONLY = [
  { id: 'e1', prompt: 'What is the capital of France?', outcomes: { cheap: { quality: 1, cost: 0.001 } } },
  { id: 'e2', prompt: 'How many legs does a spider have?', outcomes: { cheap: { quality: 0, cost: 0.001 } } },
];

const GATE =
  'max_quality_drop: 0.02\nmax_p95_latency_increase: 0.2\nmax_cost_increase: 0.1\nmax_error_rate: 0.01\n';

let directory = '';
const path = (name: string): string => join(directory, name);

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-eval-cli-'));
  await writeFile(path('eval.yaml'), CONFIG);
  await writeFile(path('easy-only.jsonl'), `${EASY_ONLY.map((row) => JSON.stringify(row)).join('\n')}\n`);
  await writeFile(path('gate.yaml'), GATE);
  await writeFile(path('quality-only.yaml'), 'max_quality_drop: 0.02\n');
  await writeFile(path('bad-gate.yaml'), 'max_quality_drop: 0.02\nmax_latency: 1\n');
  await writeFile(
    path('no-replay.yaml'),
    `providers: { sim: { type: sim, latency: zero } }
models: { mid: { provider: sim, upstream: sim-mid, pricing: { input_per_million: 1, output_per_million: 1 } } }
routes: [{ name: default, targets: [mid] }]
`,
  );
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function run(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = { env: {}, stdout: (text) => out.push(text), stderr: (text) => err.push(text) };
  const code = await runEvalCommand(args, io);
  return { code, out: out.join(''), err: err.join('') };
}

const base = (): string[] => ['--config', path('eval.yaml'), '--data', FIXTURE];

interface Group {
  key: string;
  requests: number;
  mean_quality: number;
  mean_cost: number;
  total_cost: number;
  error_rate: number;
  errors_by_code: Record<string, number>;
  latency_ms: { p50: number; p95: number } | null;
}

describe('switchyard eval', () => {
  it('reports the routed figures, references and position as JSON', async () => {
    const { code, out } = await run([...base(), '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out) as {
      rows: number;
      skipped_rows: number;
      replayed_models: string[];
      overall: Group;
      by_route: Group[];
      by_model: Group[];
      references: {
        models: { model: string; quality: number }[];
        oracle: { quality: number; mean_cost: number };
      };
      position: { best_single_model: { model: string }; share_of_oracle_quality: number };
    };
    // s1 has no `cheap` outcome, so the six other rows are evaluated.
    expect(report).toMatchObject({ rows: 6, skipped_rows: 1, replayed_models: ['cheap', 'strong'] });
    expect(report.overall.mean_quality).toBeCloseTo(4 / 6, 12);
    expect(report.overall.total_cost).toBeCloseTo(0.063, 12);
    expect(report.overall.latency_ms).toEqual({ p50: 300, p95: 3000, samples: 6 });
    expect(report.by_route.map((group) => [group.key, group.requests])).toEqual([
      ['easy', 3],
      ['hard', 3],
    ]);
    expect(report.by_route.find((group) => group.key === 'hard')?.mean_cost).toBeCloseTo(0.02, 12);
    expect(report.by_model.map((group) => group.key)).toEqual(['big (strong)', 'small (cheap)']);
    expect(report.references.oracle.quality).toBeCloseTo(5 / 6, 12);
    expect(report.references.oracle.mean_cost).toBeCloseTo(0.006, 12);
    expect(report.position.best_single_model.model).toBe('strong');
    expect(report.position.share_of_oracle_quality).toBeCloseTo(0.8, 12);
  });

  it('prints the same figures as tables', async () => {
    const { code, out } = await run(base());
    expect(code).toBe(0);
    expect(out).toMatch(/^all \(auto\)\s+6\s+100\.0%\s+0\.667\s+\$0\.063\s+\$0\.0105\s+300\s+3,000\s+0$/m);
    expect(out).toMatch(/^route hard\s+3\s+50\.0%\s+0\.667\s+\$0\.06\s+\$0\.02\s+2,500\s+3,000\s+0$/m);
    expect(out).toMatch(/^oracle \(best per prompt, cheapest\)\s+0\.833\s+\$0\.006$/m);
    expect(out).toContain('80.0% of the oracle');
  });

  it('sends every row to --model and counts replay misses as errors', async () => {
    const { code, out } = await run([...base(), '--model', 'flaky', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out) as { overall: Group };
    expect(report.overall.errors_by_code).toEqual({ upstream_not_found: 4 });
    expect(report.overall.error_rate).toBeCloseTo(4 / 6, 12);
    // e1 (quality 1) and e2 (quality 0) were served; the four misses count 0.
    expect(report.overall.mean_quality).toBeCloseTo(1 / 6, 12);
  });
});

describe('switchyard eval canary gate', () => {
  const gate = (baseline: string, candidate: string, file = 'gate.yaml'): string[] => [
    ...base(),
    '--baseline',
    baseline,
    '--candidate',
    candidate,
    '--gate',
    path(file),
  ];

  it('exits 0 when the candidate stays within every threshold', async () => {
    const { code, out } = await run(gate('route:hard', 'big'));
    expect(code).toBe(0);
    expect(out).toContain('gate passed');
  });

  it('exits 1 on a quality drop, naming the threshold and the numbers', async () => {
    const { code, out } = await run(gate('big', 'small'));
    expect(code).toBe(1);
    expect(out).toMatch(/^quality drop\s+0\.833\s+0\.500\s+drop \+0\.333 \(limit 0\.020\)\s+FAIL$/m);
    expect(out).toContain('gate FAILED: max_quality_drop (quality drop)');
  });

  it('exits 1 on cost and p95 latency rises, and passes the thresholds that held', async () => {
    const { code, out } = await run([...gate('small', 'big'), '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(out) as {
      baseline: { overall: Group };
      candidate: { overall: Group };
      gate: {
        passed: boolean;
        failed: string[];
        checks: { threshold: string; change: number; passed: boolean }[];
      };
    };
    expect(report.gate.passed).toBe(false);
    expect(report.gate.failed).toEqual(['max_p95_latency_increase', 'max_cost_increase']);
    expect(report.baseline.overall.latency_ms?.p95).toBe(500);
    expect(report.candidate.overall.latency_ms?.p95).toBe(3000);
    expect(report.gate.checks.find((check) => check.threshold === 'max_cost_increase')?.change).toBeCloseTo(
      9,
      12,
    );
  });

  it('exits 1 when the candidate fails too many rows', async () => {
    const { code, out } = await run(gate('small', 'route:flaky'));
    expect(code).toBe(1);
    expect(out).toMatch(/max_error_rate \(error rate\)/);
  });

  it('passes when the gate sets only thresholds that held', async () => {
    const { code } = await run(gate('small', 'big', 'quality-only.yaml'));
    expect(code).toBe(0);
  });

  it.each([
    [
      'a gate file with an unknown key',
      () => gate('big', 'small', 'bad-gate.yaml'),
      /bad-gate\.yaml: max_latency: unknown key/,
    ],
    [
      'a gate file that does not exist',
      () => gate('big', 'small', 'absent.yaml'),
      /absent\.yaml: cannot read/,
    ],
    [
      'an unknown candidate',
      () => gate('big', 'gpt-9'),
      /--candidate: 'gpt-9' is neither a model nor a route/,
    ],
    ['an unknown route', () => gate('route:nope', 'big'), /--baseline: no route 'nope'/],
    ['a gate without a candidate', () => [...base(), '--baseline', 'big', '--gate', 'g.yaml'], /go together/],
    ['--model in a gate run', () => [...gate('big', 'small'), '--model', 'auto'], /--model does not apply/],
  ])('exits 2 for %s', async (_name, args, message) => {
    // Arguments are built when the test runs: the temporary directory does not exist at collection.
    const { code, err } = await run(args());
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });
});

describe('switchyard eval input errors', () => {
  it.each([
    ['no --data', ['--config', 'x.yaml'], /--data <outcomes\.jsonl> is required/],
    ['an unknown flag', [...base(), '--verbose'], /Unknown option '--verbose'/],
    ['a bad --concurrency', [...base(), '--concurrency', '0'], /--concurrency must be an integer from 1/],
    [
      'a missing outcomes file',
      ['--config', 'CONFIG', '--data', 'absent.jsonl'],
      /absent\.jsonl: cannot read: file not found/,
    ],
    [
      'a config without replay providers',
      ['--config', 'NO_REPLAY', '--data', FIXTURE],
      /has no model on a replay provider/,
    ],
  ])('exits 2 for %s', async (_name, args, message) => {
    const resolved = args.map((arg) =>
      arg === 'CONFIG' ? path('eval.yaml') : arg === 'NO_REPLAY' ? path('no-replay.yaml') : arg,
    );
    const { code, err } = await run(resolved);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });

  it('exits 2 with every problem of a bad config', async () => {
    await writeFile(path('broken.yaml'), CONFIG.replace('upstream: strong', 'upstream: gpt-9'));
    const { code, err } = await run(['--config', path('broken.yaml'), '--data', FIXTURE]);
    expect(code).toBe(2);
    expect(err).toContain('models.big.upstream: no outcomes recorded for "gpt-9"');
  });

  it('prints its help', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('--baseline <model|route:name>');
  });
});
