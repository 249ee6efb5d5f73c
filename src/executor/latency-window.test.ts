import { describe, expect, it } from 'vitest';
import { createLatencyWindow } from './latency-window.ts';

describe('latency window', () => {
  it('give no quantile until minSamples are held', () => {
    const window = createLatencyWindow(10, 3);
    window.record(100);
    window.record(200);
    expect(window.quantile(0.5)).toBeUndefined();
    window.record(300);
    expect(window.count).toBe(3);
    expect(window.quantile(0.5)).toBe(200);
  });

  it('return nearest-rank quantiles of the samples, whatever order they came in', () => {
    const window = createLatencyWindow(100, 1);
    for (const ms of [50, 10, 100, 30, 70, 20, 90, 40, 80, 60]) window.record(ms);
    expect(window.quantile(0)).toBe(10);
    expect(window.quantile(0.5)).toBe(50);
    expect(window.quantile(0.95)).toBe(100);
    expect(window.quantile(0.9)).toBe(90);
    expect(window.quantile(1)).toBe(100);
  });

  it('keep only the most recent `size` samples', () => {
    const window = createLatencyWindow(4, 4);
    for (const ms of [1000, 1000, 1000, 1000]) window.record(ms);
    expect(window.quantile(0.5)).toBe(1000);
    for (const ms of [10, 20, 30]) window.record(ms);
    expect(window.count).toBe(4);
    expect(window.quantile(1)).toBe(1000); // one old sample is left
    window.record(40);
    expect(window.quantile(1)).toBe(40);
    expect(window.quantile(0.5)).toBe(20);
  });

  it('see samples recorded after a quantile was read', () => {
    const window = createLatencyWindow(256, 1);
    window.record(100);
    expect(window.quantile(0.95)).toBe(100);
    window.record(500);
    expect(window.quantile(0.95)).toBe(500);
  });

  it('p95 of 256 samples is the 244th smallest', () => {
    const window = createLatencyWindow();
    for (let ms = 256; ms >= 1; ms--) window.record(ms);
    expect(window.quantile(0.95)).toBe(244);
  });

  it('ignore non-finite samples and reject bad arguments', () => {
    const window = createLatencyWindow(8, 1);
    window.record(Number.NaN);
    window.record(Infinity);
    expect(window.count).toBe(0);
    expect(() => window.quantile(1.5)).toThrow(RangeError);
    expect(() => createLatencyWindow(0)).toThrow(RangeError);
    expect(() => createLatencyWindow(8, 9)).toThrow(RangeError);
  });
});
