/**
 * `switchyard bench` end to end: an in-process gateway over the zero-latency simulator, the shipped
 * example prompts, real concurrency; then `catalog snapshot` from the JSON it wrote.
 */

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBenchFile, type BenchFile } from '../../src/benchmark/bench-json.ts';
import { readPromptRows } from '../../src/benchmark/rows.ts';
import { runBenchCommand } from '../../src/cli/bench.ts';
import { runCatalogCommand } from '../../src/cli/catalog.ts';

const PROMPTS = new URL('../../examples/bench/prompts.jsonl', import.meta.url).pathname;

const CONFIG = `
server: { log_level: silent }
request_log: { store: memory }
providers:
  sim:
    type: sim
    latency: zero
    profiles:
      sim-judge:
        ttft_ms: { median: 1, p95: 2 }
        tokens_per_second: 1000
        context_window: 128000
        reply: 'Meets the rubric. SCORE: 9'
models:
  fast:
    provider: sim
    upstream: sim-lite
    pricing: { input_per_million: 0.10, output_per_million: 0.40 }
    capabilities: { json_schema: true, json_object: true }
    note: Quick answers.
  strong:
    provider: sim
    upstream: sim-strong
    pricing: { input_per_million: 2.50, output_per_million: 10.00 }
    capabilities: { json_schema: true, json_object: true }
  judge:
    provider: sim
    upstream: sim-judge
    pricing: { input_per_million: 1.00, output_per_million: 1.00 }
routes:
  - name: cheap-first
    targets: [fast, strong]
`;

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Where the config and the outputs are. */
  readonly directory: string;
}

/** Runs the bench with the test config; `args` receives the run's own temporary directory. */
async function bench(args: (directory: string) => readonly string[]): Promise<Ran> {
  const directory = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const config = join(directory, 'switchyard.yaml');
  writeFileSync(config, CONFIG);
  let stdout = '';
  let stderr = '';
  const code = await runBenchCommand(['--config', config, '--data', PROMPTS, ...args(directory)], {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: {},
    stderrIsTerminal: false,
  });
  return { code, stdout, stderr, directory };
}

function readBench(path: string): BenchFile {
  return parseBenchFile(readFileSync(path, 'utf8'), path);
}

describe('switchyard bench (in-process, simulator)', () => {
  it('runs 60 requests at concurrency 8 with consistent figures, then a catalog snapshot', async () => {
    const rows = await readPromptRows(PROMPTS);
    const first20 = rows.slice(0, 20);
    const labelled = first20.filter((row) => row.expectations.length > 0).length;
    const judged = first20.filter((row) =>
      row.expectations.some((expectation) => expectation.kind === 'judge'),
    ).length;
    const run = await bench((directory) => [
      '--targets',
      'fast,strong,route:cheap-first',
      '--requests',
      '20',
      '--concurrency',
      '8',
      '--judge',
      'judge',
      '--json',
      join(directory, 'bench.json'),
      '--report',
      join(directory, 'report.md'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    const file = readBench(join(run.directory, 'bench.json'));

    expect(file.settings).toMatchObject({
      concurrency: 8,
      requestsPerTarget: 20,
      rows: rows.length,
      judge: 'judge',
    });
    expect(file.settings.gateway.mode).toBe('in-process');
    expect(file.machine.cpus).toBeGreaterThan(0);
    expect(file.machine.nodeVersion).toBe(process.version);
    expect(file.run.requests).toBe(60);
    expect(file.targets.map((entry) => entry.label)).toEqual(['fast', 'strong', 'route:cheap-first']);
    for (const entry of file.targets) {
      expect(entry.requests).toBe(20);
      expect(entry.successes + entry.errors).toBe(entry.requests);
      expect(entry.successRate).toBe(1);
      expect(entry.errorsByCode).toEqual({});
      expect(entry.latencyMs?.p50).toBeLessThanOrEqual(entry.latencyMs?.p95 ?? 0);
      expect(entry.latencyMs?.p95).toBeLessThanOrEqual(entry.latencyMs?.p99 ?? 0);
      expect(entry.latencyMs?.p99).toBeLessThanOrEqual(entry.latencyMs?.max ?? 0);
      expect(entry.outputTokens).toBeGreaterThan(0);
      expect(entry.cost.totalUsd).toBeGreaterThan(0);
      expect(entry.cost.unknownCount).toBe(0);
      expect(entry.cost.perRequestUsd).toBeCloseTo(entry.cost.totalUsd / 20, 12);
      expect(entry.cost.perSuccessUsd).toBeCloseTo(entry.cost.totalUsd / 20, 12);
      // Correctness is computed for exactly the rows that carry expectations.
      expect(entry.correctness.labelled).toBe(labelled);
      expect(entry.correctness.checked).toBe(labelled);
      const byKind = Object.values(entry.correctness.byKind).reduce((sum, kind) => sum + kind.checked, 0);
      expect(byKind).toBeGreaterThanOrEqual(labelled);
      // The simulator honours response_format, so every JSON-schema row passes; the judge says 9.
      expect(entry.correctness.byKind.json_schema.correct).toBe(entry.correctness.byKind.json_schema.checked);
      expect(entry.correctness.byKind.judge).toEqual({ checked: judged, correct: judged });
      expect(entry.judge).toMatchObject({ calls: judged, failed: 0, ungraded: 0, meanScore: 9 });
      expect(entry.judge?.costUsd).toBeGreaterThan(0);
    }
    const [fast, strong, route] = file.targets;
    expect(fast?.models[0]).toMatchObject({
      id: 'fast',
      provider: 'sim',
      contextWindow: 128_000,
      note: 'Quick answers.',
    });
    expect(strong?.models[0]?.note).toBeNull();
    expect(strong!.cost.totalUsd).toBeGreaterThan(fast!.cost.totalUsd);
    expect(route?.route).toEqual({ strategy: 'fallback', targets: ['fast', 'strong'] });
    expect(route?.servedBy).toEqual({ fast: 20 });
    // The judge's cost is its own, not part of any target's.
    expect(file.judge?.calls).toBe(judged * 3);
    expect(file.judge?.costUsd).toBeCloseTo(
      file.targets.reduce((sum, entry) => sum + (entry.judge?.costUsd ?? 0), 0),
      12,
    );

    expect(run.stdout).toMatch(/^60 requests \(20 per target, concurrency 8\)/);
    expect(run.stdout).toMatch(/\nroute:cheap-first +20 +100\.0% /);
    expect(run.stderr).toMatch(/^bench +\d+% /m);
    expect(run.stderr).toMatch(/^bench 100% 60\/60 errors 0 /m);
    expect(readFileSync(join(run.directory, 'report.md'), 'utf8')).toContain('## Correctness');

    const out = join(run.directory, 'site', 'catalog.md');
    let written = '';
    const code = await runCatalogCommand(
      ['snapshot', '--from', join(run.directory, 'bench.json'), '--out', out],
      {
        stdout: (text) => (written += text),
        stderr: () => {},
        env: {},
      },
    );
    expect(code).toBe(0);
    expect(written).toContain('catalog-latency.svg');
    const page = readFileSync(out, 'utf8');
    expect(page).toContain('| fast | Quick answers. | sim | 128k | 0.10 / 0.40 |');
    expect(readFileSync(join(run.directory, 'site', 'catalog-latency.svg'), 'utf8')).toMatch(/^<svg /);
    expect(readFileSync(join(run.directory, 'site', 'catalog-cost-quality.svg'), 'utf8')).toMatch(/^<svg /);
  });

  it('streams: measures time to first token and counts tokens from the usage chunk', async () => {
    const run = await bench((directory) => [
      '--targets',
      'fast',
      '--requests',
      '12',
      '--concurrency',
      '4',
      '--stream',
      '--quiet',
      '--json',
      join(directory, 'bench.json'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const [entry] = readBench(join(run.directory, 'bench.json')).targets;
    expect(entry?.successRate).toBe(1);
    expect(entry?.ttftMs?.p50).toBeGreaterThan(0);
    expect(entry?.ttftMs?.max).toBeLessThanOrEqual(entry?.latencyMs?.max ?? 0);
    expect(entry?.outputTokens).toBeGreaterThan(0);
    expect(entry?.cost.totalUsd).toBeGreaterThan(0);
    expect(entry?.cost.unknownCount).toBe(0);
  });

  it('names the target the gateway does not know, with exit code 2', async () => {
    const run = await bench(() => ['--targets', 'fast,route:nope']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("switchyard bench: unknown route 'nope' (known: cheap-first)\n");
  });
});
