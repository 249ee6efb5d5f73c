/**
 * The one retry policy (lint forbids retry libraries): after a failed attempt, whether to try the same
 * target again and after how long, move to the next target, or stop.
 *
 * - Only errors the catalogue marks `retryable` are retried on the same target (429, 5xx, connect/reset,
 *   timeouts); `context_length_exceeded` and content filtering never are — another target may still help
 *   (`tryNextTarget`).
 * - Backoff is exponential with full jitter (a uniform draw below the exponential cap), so synchronised
 *   clients do not retry in lockstep.
 * - Retry-After is honoured as a floor on the wait; a wait longer than `maxRetryAfterMs` is not spent on
 *   the same target — the next one is tried instead.
 * - A per-request budget bounds same-target retries across the whole chain, so retries cannot multiply a
 *   slow outage into a cascade. Same-target retries are off by default (`attempts: 1`): clients' SDKs
 *   already retry, and a gateway that retries too multiplies their load.
 */

import type { GatewayError } from '../core/errors.ts';

export interface RetrySettings {
  /** Attempts per target, the first included (1 = never retry the same target). */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** The longest Retry-After the gateway waits out on the same target. */
  readonly maxRetryAfterMs: number;
  /** Same-target retries allowed per request, across all targets. */
  readonly budget: number;
}

export type RetryVerdict =
  | { readonly kind: 'retry-same'; readonly delayMs: number }
  | { readonly kind: 'next-target' }
  | { readonly kind: 'stop' };

export interface RetryState {
  /** Attempts already made on the current target (1 after the first failure). */
  readonly attemptsOnTarget: number;
  /** Same-target retries already spent in this request. */
  readonly retriesUsed: number;
  /** Whether the plan has another target after this one. */
  readonly hasNextTarget: boolean;
}

const NEXT: RetryVerdict = { kind: 'next-target' };
const STOP: RetryVerdict = { kind: 'stop' };

export function decideRetry(
  error: GatewayError,
  state: RetryState,
  settings: RetrySettings,
  random: () => number = Math.random,
): RetryVerdict {
  const moveOn = error.spec.tryNextTarget && state.hasNextTarget ? NEXT : STOP;
  if (!error.spec.retryable) return moveOn;
  if (state.attemptsOnTarget >= settings.attempts || state.retriesUsed >= settings.budget) return moveOn;
  const retryAfterMs = error.details.retryAfterMs;
  if (retryAfterMs !== undefined && retryAfterMs > settings.maxRetryAfterMs) return moveOn;
  const cap = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (state.attemptsOnTarget - 1));
  const jittered = Math.floor(random() * cap);
  return { kind: 'retry-same', delayMs: Math.max(jittered, retryAfterMs ?? 0) };
}

/** Waits `delayMs`, or less if `signal` aborts (then rejects with its reason). */
export function sleep(delayMs: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  if (delayMs <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
