/**
 * Fault suite (issue 5): upstream server errors. They come before any output, so the commit modes agree:
 *
 * | Scenario                 | commit: first-token                                            | commit: buffer |
 * |--------------------------|----------------------------------------------------------------|----------------|
 * | 500 once then healthy    | one jittered backoff retry on the same target: a clean answer  | same           |
 * | persistent 503 (primary) | `retry.attempts` on the primary, then the fallback serves      | same           |
 * | persistent 503 (all)     | one aggregate 503 listing every attempt, within the budget     | same           |
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
const retry = (attempts: number): string =>
  `retry: { attempts: ${attempts}, base_delay_ms: ${BASE_DELAY_MS}, max_delay_ms: ${MAX_DELAY_MS}, budget: 3 }`;

const MODELS = BASE_MODELS_YAML + modelYaml('down', 'sim-503');
const ROUTES =
  routesYaml('fallback', ['primary', 'backup']) +
  routesYaml('patient', ['primary', 'backup'], retry(3)) +
  routesYaml('outage', ['down', 'backup'], retry(2));

let stack: FaultStack;
beforeAll(async () => {
  stack = await startFaultStack({
    config: configYaml(MODELS, ROUTES),
    source: 'faults/server-errors.yaml',
    // Every call to `sim-503` answers 503.
    profiles: { ...BASE_PROFILES, 'sim-503': fastProfile(['unavailable']) },
  });
});
afterAll(async () => {
  await stack.close();
});

describe.concurrent.each(COMMIT_MODES)('server errors, commit: %s', (mode) => {
  it.sequential('500 once then healthy: one backoff retry on the same target', async () => {
    const [exchange, reference] = await Promise.all([
      stack.stream(`patient-${mode}`, { fault: 'server_error; times=1' }),
      stack.reference('sim-a'),
    ]);
    expectCleanAnswer(exchange, reference.text);
    expect(exchange.model).toBe('primary');
    expectAttempts(exchange, { primary: 2 });
    expect(exchange.attempts.map((attempt) => [attempt.outcome, attempt.upstreamStatus])).toEqual([
      ['upstream_server_error', 500],
      ['ok', undefined],
    ]);
    // The first retry waits a full-jitter draw below base_delay_ms.
    expect(exchange.idleGapsMs[0]).toBeGreaterThanOrEqual(0);
    expect(exchange.idleGapsMs[0]).toBeLessThan(BASE_DELAY_MS + SLACK_MS);
    expect(exchange.elapsedMs).toBeLessThan(1_000);
    await expectServesNormally(stack, `fallback-${mode}`);
  });

  it.sequential(
    'persistent 503 on the primary: retries as configured, then the fallback serves',
    async () => {
      const [exchange, reference] = await Promise.all([
        stack.stream(`outage-${mode}`),
        stack.reference('sim-b'),
      ]);
      expectCleanAnswer(exchange, reference.text);
      expect(exchange.model).toBe('backup');
      expectAttempts(exchange, { down: 2, backup: 1 });
      expect(exchange.attempts.map((attempt) => [attempt.outcome, attempt.upstreamStatus])).toEqual([
        ['upstream_unavailable', 503],
        ['upstream_unavailable', 503],
        ['ok', undefined],
      ]);
      const [retryWait = -1, toFallback = -1] = exchange.idleGapsMs;
      expect(retryWait).toBeLessThan(BASE_DELAY_MS + SLACK_MS);
      expect(toFallback).toBeLessThan(SLACK_MS);
      expect(exchange.elapsedMs).toBeLessThan(1_000);
      await expectServesNormally(stack, `fallback-${mode}`);
    },
  );

  it.sequential(
    'persistent 503 everywhere: one aggregate 503 listing every attempt, within the retry budget',
    async () => {
      const exchange = await stack.stream(`patient-${mode}`, { fault: 'unavailable' });
      expect(exchange.status).toBe(503);
      expect(exchange.ending).toBe('http-error');
      expect(exchange.error?.code).toBe('upstream_unavailable');
      // Three attempts on the primary (two retries), then the budget of three leaves one retry for the
      // fallback: five in all, each named in the one error the client gets.
      expect(exchange.error?.message).toContain('All 5 attempt(s) failed');
      expect(exchange.errorPerTarget).toEqual({ primary: 3, backup: 2 });
      expect(exchange.error?.attempts?.every((attempt) => attempt.status === 503)).toBe(true);
      expect(exchange.recordError?.code).toBe('upstream_unavailable');
      // Three backoff waits, each below max_delay_ms: bounded, no cascade.
      expect(exchange.elapsedMs).toBeLessThan(3 * MAX_DELAY_MS + 500);
      await expectServesNormally(stack, `fallback-${mode}`);
    },
  );

  it.sequential('a request that failed everywhere keeps every attempt in its request record', async () => {
    const exchange = await stack.stream(`patient-${mode}`, { fault: 'unavailable' });
    expect(exchange.status).toBe(503);
    // GET /v1/requests/{id} must explain the failure as the aggregate error does: five attempts, each
    // with its own outcome and upstream status.
    expect(exchange.perTarget).toEqual({ primary: 3, backup: 2 });
    expect(exchange.attempts.map((attempt) => [attempt.outcome, attempt.upstreamStatus])).toEqual(
      Array.from({ length: 5 }, () => ['upstream_unavailable', 503]),
    );
  });
});
