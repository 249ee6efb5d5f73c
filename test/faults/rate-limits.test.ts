/**
 * Fault suite (issue 5): upstream rate limits. Both fail before any output, so the commit modes agree:
 *
 * | Scenario                       | commit: first-token                                  | commit: buffer |
 * |--------------------------------|------------------------------------------------------|----------------|
 * | 429 with Retry-After 2 s       | waits >= 2 s, the same target answers: one clean answer | same        |
 * | persistent 429, no Retry-After | short jittered backoff retries, then the fallback    | same           |
 *
 * The Retry-After wait is real (the retry policy sleeps on the real clock); the two modes run
 * concurrently (as in every file of the suite), so their 2 s waits overlap.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BASE_MODELS_YAML,
  BASE_PROFILES,
  COMMIT_MODES,
  configYaml,
  expectAttempts,
  expectCleanAnswer,
  expectServesNormally,
  fastProfile,
  modelYaml,
  routesYaml,
  SLACK_MS,
  startFaultStack,
  type FaultStack,
} from './harness.ts';

const BASE_DELAY_MS = 50;
const MAX_DELAY_MS = 100;
const RETRY = `retry: { attempts: 3, base_delay_ms: ${BASE_DELAY_MS}, max_delay_ms: ${MAX_DELAY_MS}, max_retry_after_ms: 3000, budget: 3 }`;

const MODELS = BASE_MODELS_YAML + modelYaml('limited', 'sim-429', { input: 1, output: 2 });
const ROUTES =
  routesYaml('fallback', ['primary', 'backup']) +
  routesYaml('patient', ['primary', 'backup'], RETRY) +
  routesYaml('throttled', ['limited', 'backup'], RETRY);

let stack: FaultStack;
beforeAll(async () => {
  stack = await startFaultStack({
    config: configYaml(MODELS, ROUTES),
    source: 'faults/rate-limits.yaml',
    // Every call to `sim-429` is rate limited, without a Retry-After.
    profiles: { ...BASE_PROFILES, 'sim-429': fastProfile(['rate_limit_no_retry_after']) },
  });
});
afterAll(async () => {
  await stack.close();
});

describe.concurrent.each(COMMIT_MODES)('rate limits, commit: %s', (mode) => {
  it.sequential('429 with Retry-After 2 s: waits it out, then the same target answers', async () => {
    const [exchange, reference] = await Promise.all([
      stack.stream(`patient-${mode}`, { fault: 'rate_limit; retry_after=2; times=1' }),
      stack.reference('sim-a'),
    ]);
    expectCleanAnswer(exchange, reference.text);
    expect(exchange.model).toBe('primary');
    expectAttempts(exchange, { primary: 2 });
    expect(exchange.attempts.map((attempt) => attempt.outcome)).toEqual(['upstream_rate_limited', 'ok']);
    expect(exchange.attempts[0]?.upstreamStatus).toBe(429);
    // The second attempt starts no sooner than the upstream asked, and not much later.
    expect(exchange.startGapsMs[0]).toBeGreaterThanOrEqual(2_000);
    expect(exchange.idleGapsMs[0]).toBeLessThan(2_000 + SLACK_MS);
    expect(exchange.elapsedMs).toBeGreaterThanOrEqual(2_000);
    expect(exchange.elapsedMs).toBeLessThan(3_000);
    await expectServesNormally(stack, `fallback-${mode}`);
  });

  it.sequential('persistent 429 without Retry-After: short backoff retries, then the fallback', async () => {
    const [exchange, reference] = await Promise.all([
      stack.stream(`throttled-${mode}`),
      stack.reference('sim-b'),
    ]);
    expectCleanAnswer(exchange, reference.text);
    expect(exchange.model).toBe('backup');
    // `attempts: 3` on the limited target, then the fallback at its first try.
    expectAttempts(exchange, { limited: 3, backup: 1 });
    expect(exchange.attempts.map((attempt) => attempt.outcome)).toEqual([
      'upstream_rate_limited',
      'upstream_rate_limited',
      'upstream_rate_limited',
      'ok',
    ]);
    // Full jitter below an exponential cap: under 50 ms, then under 100 ms; the fallback at once.
    const [first = -1, second = -1, toFallback = -1] = exchange.idleGapsMs;
    expect(first).toBeLessThan(BASE_DELAY_MS + SLACK_MS);
    expect(second).toBeLessThan(MAX_DELAY_MS + SLACK_MS);
    expect(toFallback).toBeLessThan(SLACK_MS);
    expect(Math.min(first, second, toFallback)).toBeGreaterThanOrEqual(0);
    expect(exchange.elapsedMs).toBeLessThan(1_000);
    await expectServesNormally(stack, `fallback-${mode}`);
  });
});
