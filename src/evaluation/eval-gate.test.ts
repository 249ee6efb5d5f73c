import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../learning/router/input-error.ts';
import type { GroupFigures } from './eval-figures.ts';
import { applyGate, loadGate } from './eval-gate.ts';

function figures(overrides: Partial<GroupFigures>): GroupFigures {
  return {
    key: 'all',
    requests: 100,
    share: 1,
    mean_quality: 0.8,
    total_cost: 0.1,
    mean_cost: 0.001,
    latency_ms: { p50: 500, p95: 1000, samples: 100 },
    errors: 0,
    error_rate: 0,
    errors_by_code: {},
    ...overrides,
  };
}

const GATE = {
  max_quality_drop: 0.02,
  max_p95_latency_increase: 0.2,
  max_cost_increase: 0.1,
  max_error_rate: 0.01,
};

describe('applyGate', () => {
  it('passes a candidate within every threshold, including one exactly on it', () => {
    const result = applyGate(
      GATE,
      figures({}),
      figures({ mean_quality: 0.78, mean_cost: 0.0011, latency_ms: { p50: 1, p95: 1200, samples: 1 } }),
    );
    expect(result.passed).toBe(true);
    expect(result.failed).toEqual([]);
    expect(result.checks.map((check) => check.passed)).toEqual([true, true, true, true]);
  });

  it('fails each threshold broken, with the numbers compared', () => {
    const result = applyGate(
      GATE,
      figures({}),
      figures({
        mean_quality: 0.7,
        mean_cost: 0.002,
        latency_ms: { p50: 1, p95: 1500, samples: 1 },
        error_rate: 0.05,
      }),
    );
    expect(result.passed).toBe(false);
    expect(result.failed).toEqual([
      'max_quality_drop',
      'max_p95_latency_increase',
      'max_cost_increase',
      'max_error_rate',
    ]);
    const [quality, latency, cost, errors] = result.checks;
    expect(quality?.change).toBeCloseTo(0.1, 12);
    expect(latency).toMatchObject({ baseline: 1000, candidate: 1500, limit: 0.2 });
    expect(latency?.change).toBeCloseTo(0.5, 12);
    expect(cost?.change).toBeCloseTo(1, 12);
    expect(errors?.change).toBe(0.05);
  });

  it('checks only the thresholds the gate sets, and skips latency when none was recorded', () => {
    const result = applyGate(
      { max_p95_latency_increase: 0.2, max_cost_increase: 0 },
      figures({ latency_ms: null }),
      figures({ latency_ms: null, mean_quality: 0 }),
    );
    expect(result.passed).toBe(true);
    expect(result.checks.map((check) => [check.threshold, check.passed])).toEqual([
      ['max_p95_latency_increase', null],
      ['max_cost_increase', true],
    ]);
  });

  it('treats any cost from a free baseline as an infinite increase', () => {
    const result = applyGate(
      { max_cost_increase: 10 },
      figures({ mean_cost: 0 }),
      figures({ mean_cost: 1e-9 }),
    );
    expect(result.checks[0]?.change).toBe(Number.POSITIVE_INFINITY);
    expect(result.passed).toBe(false);
  });
});

describe('loadGate', () => {
  let directory = '';
  const write = async (name: string, text: string): Promise<string> => {
    await writeFile(join(directory, name), text);
    return join(directory, name);
  };
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'switchyard-gate-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('reads the thresholds', async () => {
    const path = await write('ok.yaml', 'max_quality_drop: 0.02\nmax_error_rate: 0.01\n');
    expect(await loadGate(path)).toEqual({ max_quality_drop: 0.02, max_error_rate: 0.01 });
  });

  it.each([
    ['an unknown key', 'max_quality_dorp: 0.02\n', /max_quality_dorp: unknown key/],
    ['a negative threshold', 'max_cost_increase: -1\n', /max_cost_increase: Too small/],
    ['a rate above 1', 'max_error_rate: 5\n', /max_error_rate: Too big/],
    ['a string', 'max_quality_drop: lots\n', /max_quality_drop: Invalid input: expected number/],
    ['no threshold', '{}\n', /set at least one of/],
    ['broken YAML', 'max_quality_drop: [\n', /not valid YAML/],
  ])('names the problem with %s', async (_name, text, message) => {
    const path = await write('bad.yaml', text);
    const error = await loadGate(path).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(message);
  });

  it('says when the file cannot be read', async () => {
    await expect(loadGate(join(directory, 'absent.yaml'))).rejects.toThrow(
      /absent\.yaml: cannot read: file not found/,
    );
  });
});
