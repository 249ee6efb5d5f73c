/**
 * Simulated timing: time to first token drawn from a log-normal fitted to a profile's median and p95, and
 * a pacer that releases streamed tokens at the profile's rate. The pacer batches: one timer tick releases
 * every token that has come due, and ticks are at least MIN_TICK_MS apart, so a fast model costs a
 * handful of timers per second rather than one per token.
 */

import { standardNormal, type Random } from './random.ts';

/** The 95th percentile of the standard normal distribution. */
const Z_95 = 1.6448536269514722;
/** Floor between two pacer ticks; 50 writes per second per stream is smooth enough for any client. */
export const MIN_TICK_MS = 20;

export interface LogNormal {
  readonly mu: number;
  readonly sigma: number;
}

/** The log-normal whose median and 95th percentile are the given values (p95 below the median is clamped). */
export function logNormalFromMedianP95(median: number, p95: number): LogNormal {
  const mu = Math.log(Math.max(median, Number.MIN_VALUE));
  const sigma = Math.max(0, (Math.log(Math.max(p95, median)) - mu) / Z_95);
  return { mu, sigma };
}

export function sampleLogNormal(distribution: LogNormal, random: Random): number {
  return Math.exp(distribution.mu + distribution.sigma * standardNormal(random));
}

/** How long a non-streamed answer of `tokens` tokens takes: first token, then the rest at the model's rate. */
export function nonStreamDelayMs(ttftMs: number, tokens: number, tokensPerSecond: number): number {
  return ttftMs + (tokens * 1000) / tokensPerSecond;
}

/** Tokens due `elapsedMs` after the first one was released. */
export function tokensDueAfter(elapsedMs: number, tokensPerSecond: number): number {
  return 1 + Math.floor((elapsedMs * tokensPerSecond) / 1000);
}

/**
 * Release tokens at `tokensPerSecond`, starting now with the first. `release(allowed)` is told how many
 * tokens may have been sent in total and returns true once it needs no more. Returns a cancel function.
 */
export function startPacer(tokensPerSecond: number, release: (allowedTokens: number) => boolean): () => void {
  const startedAt = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  const tick = (): void => {
    timer = undefined;
    if (cancelled) return;
    const allowed = tokensDueAfter(performance.now() - startedAt, tokensPerSecond);
    if (release(allowed)) return;
    // Wake when the next token is due, but never sooner than the tick floor.
    const nextDueAt = startedAt + (allowed * 1000) / tokensPerSecond;
    timer = setTimeout(tick, Math.max(MIN_TICK_MS, nextDueAt - performance.now()));
  };
  tick();
  return () => {
    cancelled = true;
    if (timer !== undefined) clearTimeout(timer);
  };
}
