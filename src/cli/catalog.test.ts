import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BENCH_FORMAT, type BenchFile } from '../benchmark/bench-json.ts';
import { runCatalogCommand } from './catalog.ts';

const NO_KIND = { checked: 0, correct: 0 };

const BENCH: BenchFile = {
  format: BENCH_FORMAT,
  createdAt: '2025-06-01T12:00:00.000Z',
  settings: {
    data: 'prompts.jsonl',
    rows: 2,
    labelledRows: 1,
    targets: ['lite'],
    concurrency: 2,
    requestsPerTarget: 2,
    durationSeconds: null,
    stream: false,
    judge: null,
    gateway: { mode: 'url', url: 'http://gateway', config: null, configVersion: null },
  },
  machine: { cpus: 2, cpuModel: 'cpu', memoryGb: 4, platform: 'linux', arch: 'x64', nodeVersion: 'v24.0.0' },
  run: { wallSeconds: 1, requests: 2, requestsPerSecond: 2, interrupted: false },
  targets: [
    {
      label: 'lite',
      kind: 'model',
      name: 'lite',
      route: null,
      models: [
        {
          id: 'lite',
          provider: 'sim',
          contextWindow: 1_000_000,
          maxOutputTokens: null,
          pricing: { inputPerMillion: 1, outputPerMillion: 2 },
          note: 'tests',
        },
      ],
      requests: 2,
      successes: 2,
      errors: 0,
      successRate: 1,
      errorRate: 0,
      errorsByCode: {},
      latencyMs: { p50: 5, p95: 6, p99: 6, max: 6, mean: 5.5 },
      ttftMs: null,
      outputTokensPerSecond: null,
      inputTokens: 10,
      outputTokens: 10,
      cost: {
        totalUsd: 0.01,
        perRequestUsd: 0.005,
        per1kRequestsUsd: 5,
        perSuccessUsd: 0.005,
        perCorrectUsd: 0.01,
        unknownCount: 0,
      },
      correctness: {
        labelled: 1,
        checked: 1,
        correct: 1,
        rate: 1,
        byKind: { exact: { checked: 1, correct: 1 }, regex: NO_KIND, json_schema: NO_KIND, judge: NO_KIND },
      },
      servedBy: { lite: 2 },
      judge: null,
    },
  ],
  judge: null,
};

async function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCatalogCommand(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: {},
  });
  return { code, stdout, stderr };
}

describe('switchyard catalog snapshot', () => {
  const directory = mkdtempSync(join(tmpdir(), 'switchyard-catalog-'));
  const from = join(directory, 'bench.json');
  writeFileSync(from, JSON.stringify(BENCH));

  it('writes markdown with its SVG charts beside it', async () => {
    const out = join(directory, 'docs', 'models.md');
    const result = await run(['snapshot', '--from', from, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      `wrote ${out}, ${join(directory, 'docs', 'models-latency.svg')}, ${join(directory, 'docs', 'models-cost-quality.svg')}\n`,
    );
    expect(readFileSync(out, 'utf8')).toContain(
      '| lite | tests | sim | 1M | 1.00 / 2.00 | 5.0 / 6.0 / 6.0 |',
    );
    expect(readFileSync(join(directory, 'docs', 'models-latency.svg'), 'utf8')).toMatch(/^<svg /);
  });

  it('writes one HTML file with the charts inline', async () => {
    const out = join(directory, 'catalog.html');
    expect((await run(['snapshot', '--from', from, '--out', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/<svg [\s\S]*<svg /);
    expect(existsSync(join(directory, 'catalog-latency.svg'))).toBe(false);
  });

  it('rejects a file that is not a bench JSON, naming the field', async () => {
    const bad = join(directory, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...BENCH, targets: [{ label: 'x' }] }));
    const result = await run(['snapshot', '--from', bad, '--out', join(directory, 'x.md')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^switchyard catalog: .*bad\.json: targets\.0\.kind: /);
  });

  it('rejects usage mistakes with exit code 2', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['publish'])).stderr).toContain("unknown subcommand 'publish'");
    expect((await run(['snapshot'])).stderr).toContain('--from <bench.json> is required');
    expect((await run(['snapshot', '--from', from, '--out', 'x.pdf'])).stderr).toContain(
      '--out must end in .md or .html',
    );
    expect((await run(['snapshot', '--from', join(directory, 'none.json')])).stderr).toContain(
      'file not found',
    );
    expect((await run(['--help'])).code).toBe(0);
  });
});
