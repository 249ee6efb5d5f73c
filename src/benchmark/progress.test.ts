import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createProgress, progressMode } from './progress.ts';

describe('progress', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function harness(mode: 'bar' | 'lines' | 'off', total: number | undefined, durationMs?: number) {
    const written: string[] = [];
    let clock = 0;
    const progress = createProgress({
      label: 'bench',
      total,
      durationMs,
      mode,
      output: { write: (text) => written.push(text) },
      now: () => clock,
    });
    const advance = (ms: number): void => {
      clock += ms;
      vi.advanceTimersByTime(ms);
    };
    return { progress, written, advance };
  }

  it('chooses a bar on a terminal, lines elsewhere, nothing when quiet', () => {
    expect(progressMode(true, false)).toBe('bar');
    expect(progressMode(false, false)).toBe('lines');
    expect(progressMode(true, true)).toBe('off');
  });

  it('prints one line per 10 % when not on a terminal', () => {
    const { progress, written, advance } = harness('lines', 100);
    for (let index = 0; index < 100; index++) {
      progress.record(index % 50 !== 0);
      advance(10);
    }
    progress.finish();
    expect(written).toHaveLength(10);
    expect(written.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);
    expect(written.at(-1)).toMatch(/^bench 100% 100\/100 errors 2 /);
  });

  it('redraws a bar in place at most ten times a second', () => {
    const { progress, written, advance } = harness('bar', 1_000);
    for (let index = 0; index < 1_000; index++) {
      progress.record(true);
      advance(1);
    }
    expect(written.length).toBeLessThanOrEqual(10);
    expect(written[0]?.startsWith('\r\u001b[2Kbench [')).toBe(true);
    progress.finish();
    expect(written.at(-1)).toMatch(/100% 1000\/1000 .*\n$/);
  });

  it('measures a timed run by its clock', () => {
    const { progress, written, advance } = harness('lines', undefined, 1_000);
    advance(550);
    // The clock jumped straight to 550 ms: one line, for the 50 % decile, showing 55 %.
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^bench {2}55% 0 errors 0 .* eta 0\.\ds\n$/);
    progress.finish();
  });

  it('writes nothing when off', () => {
    const { progress, written, advance } = harness('off', 10);
    progress.record(true);
    advance(500);
    progress.finish();
    expect(written).toEqual([]);
  });
});
