import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/errors.ts';
import { decideRetry, sleep, type RetrySettings } from './retry-policy.ts';

const SETTINGS: RetrySettings = {
  attempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  maxRetryAfterMs: 5_000,
  budget: 2,
};
const first = { attemptsOnTarget: 1, retriesUsed: 0, hasNextTarget: true };

describe('decideRetry', () => {
  it('retries a retryable error on the same target with full-jitter exponential backoff', () => {
    const error = new GatewayError('upstream_server_error', 'boom');
    expect(decideRetry(error, first, SETTINGS, () => 0.5)).toEqual({ kind: 'retry-same', delayMs: 50 });
    expect(decideRetry(error, { ...first, attemptsOnTarget: 2 }, SETTINGS, () => 0.999)).toEqual({
      kind: 'retry-same',
      delayMs: 199,
    });
    // The cap bounds the exponential growth.
    const many = { ...SETTINGS, attempts: 10, budget: 10 };
    expect(decideRetry(error, { ...first, attemptsOnTarget: 8 }, many, () => 0.999)).toEqual({
      kind: 'retry-same',
      delayMs: 999,
    });
  });

  it('waits at least what Retry-After asks, and moves on when that is longer than the cap', () => {
    const limited = new GatewayError('upstream_rate_limited', 'slow down', { retryAfterMs: 2_000 });
    expect(decideRetry(limited, first, SETTINGS, () => 0)).toEqual({ kind: 'retry-same', delayMs: 2_000 });
    const tooLong = new GatewayError('upstream_rate_limited', 'slow down', { retryAfterMs: 30_000 });
    expect(decideRetry(tooLong, first, SETTINGS)).toEqual({ kind: 'next-target' });
    expect(decideRetry(tooLong, { ...first, hasNextTarget: false }, SETTINGS)).toEqual({ kind: 'stop' });
  });

  it('never retries the same model for a context overflow or a content filter, but lets another try', () => {
    for (const code of ['context_length_exceeded', 'content_filtered'] as const) {
      expect(decideRetry(new GatewayError(code, 'no'), first, SETTINGS)).toEqual({ kind: 'next-target' });
    }
  });

  it('stops on errors no target can fix, and when attempts or the request budget run out', () => {
    expect(decideRetry(new GatewayError('upstream_bad_request', 'bad'), first, SETTINGS)).toEqual({
      kind: 'stop',
    });
    const error = new GatewayError('upstream_unavailable', 'down');
    expect(decideRetry(error, { ...first, attemptsOnTarget: 3 }, SETTINGS)).toEqual({ kind: 'next-target' });
    expect(decideRetry(error, { ...first, retriesUsed: 2 }, SETTINGS)).toEqual({ kind: 'next-target' });
    expect(decideRetry(error, first, { ...SETTINGS, attempts: 1 })).toEqual({ kind: 'next-target' });
  });
});

describe('sleep', () => {
  it('resolves after the delay, and rejects at once with the abort reason', async () => {
    await expect(sleep(1, new AbortController().signal)).resolves.toBeUndefined();
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    const reason = new GatewayError('client_closed_request', 'gone');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
  });
});
