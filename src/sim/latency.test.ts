import { describe, expect, it } from 'vitest';
import {
  logNormalFromMedianP95,
  MIN_TICK_MS,
  nonStreamDelayMs,
  sampleLogNormal,
  startPacer,
} from './latency.ts';
import { createRandom } from './random.ts';

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

describe('time to first token', () => {
  it.each([
    [150, 400],
    [600, 1800],
    [900, 2500],
  ])('samples a log-normal with median %i ms and p95 %i ms', (median, p95) => {
    const distribution = logNormalFromMedianP95(median, p95);
    const random = createRandom(42);
    const samples = Array.from({ length: 40_000 }, () => sampleLogNormal(distribution, random)).sort(
      (a, b) => a - b,
    );
    expect(quantile(samples, 0.5)).toBeGreaterThan(median * 0.97);
    expect(quantile(samples, 0.5)).toBeLessThan(median * 1.03);
    expect(quantile(samples, 0.95)).toBeGreaterThan(p95 * 0.95);
    expect(quantile(samples, 0.95)).toBeLessThan(p95 * 1.05);
    expect(samples[0]).toBeGreaterThan(0);
  });

  it('is reproducible from the seed', () => {
    const distribution = logNormalFromMedianP95(300, 800);
    const first = createRandom(9);
    const second = createRandom(9);
    for (let index = 0; index < 10; index++) {
      expect(sampleLogNormal(distribution, first)).toBe(sampleLogNormal(distribution, second));
    }
  });

  it('collapses to the median when p95 equals it', () => {
    expect(sampleLogNormal(logNormalFromMedianP95(250, 250), createRandom(1))).toBeCloseTo(250, 6);
  });
});

describe('pacing', () => {
  it('times a whole answer as first token plus tokens over rate', () => {
    expect(nonStreamDelayMs(200, 90, 45)).toBe(2200);
    expect(nonStreamDelayMs(0, 90, Number.POSITIVE_INFINITY)).toBe(0);
  });

  it('releases tokens at the given rate in batches, not one timer per token', async () => {
    const tokensPerSecond = 500;
    const total = 100;
    let ticks = 0;
    const startedAt = performance.now();
    await new Promise<void>((resolve) => {
      startPacer(tokensPerSecond, (allowed) => {
        ticks += 1;
        if (allowed >= total) resolve();
        return allowed >= total;
      });
    });
    const elapsed = performance.now() - startedAt;
    // 99 tokens after the first at 500/s is ~198 ms.
    expect(elapsed).toBeGreaterThan(190);
    expect(elapsed).toBeLessThan(800);
    expect(ticks).toBeLessThanOrEqual(Math.ceil(elapsed / MIN_TICK_MS) + 1);
    expect(ticks).toBeLessThan(total / 4);
  });

  it('stops when cancelled', async () => {
    let calls = 0;
    const cancel = startPacer(100, () => {
      calls += 1;
      return false;
    });
    cancel();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(calls).toBe(1);
  });
});
