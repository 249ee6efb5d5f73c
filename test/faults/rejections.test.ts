/**
 * Fault suite (issue 5): requests an upstream refuses — context length exceeded, content filter. Neither
 * is ever retried on the same model (a retry cannot help); another target may serve. They come before
 * any output, so the commit modes agree:
 *
 * | Scenario                           | commit: first-token                                            | commit: buffer |
 * |------------------------------------|----------------------------------------------------------------|----------------|
 * | context length exceeded            | not retried (despite retry.attempts 3), the larger fallback serves | same       |
 * | context length exceeded, no other  | 400 context_length_exceeded, one attempt                       | same           |
 * | content-filter rejection           | not retried, the fallback serves                               | same           |
 * | content-filter rejection, no other | 400 content_filtered with the provider's own reason, one attempt | same         |
 *
 * The "one attempt" cases use `times=1` faults: a retry would have been answered, so a 400 proves none
 * was made.
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

const RETRY = 'retry: { attempts: 3, base_delay_ms: 50, max_delay_ms: 100, budget: 3 }';
/** The simulator's own words for a content-filter rejection: the reason the client must get. */
const PROVIDER_REASON = 'Your request was rejected as a result of our safety system.';

// `cramped` is configured with a 128k window but its upstream only holds 64 tokens (stale metadata),
// so the gateway sends the request and the upstream refuses it as too long.
const MODELS = BASE_MODELS_YAML + modelYaml('cramped', 'sim-small');
const ROUTES =
  routesYaml('fallback', ['primary', 'backup']) +
  routesYaml('patient', ['primary', 'backup'], RETRY) +
  routesYaml('overflow', ['cramped', 'backup'], RETRY) +
  routesYaml('alone', ['primary'], RETRY);

let stack: FaultStack;
beforeAll(async () => {
  stack = await startFaultStack({
    config: configYaml(MODELS, ROUTES),
    source: 'faults/rejections.yaml',
    profiles: { ...BASE_PROFILES, 'sim-small': fastProfile([], { contextWindow: 64 }) },
  });
});
afterAll(async () => {
  await stack.close();
});

describe.concurrent.each(COMMIT_MODES)('refused requests, commit: %s', (mode) => {
  it.sequential(
    'context length exceeded: never retried on that model, the larger fallback serves',
    async () => {
      const [exchange, reference] = await Promise.all([
        stack.stream(`overflow-${mode}`),
        stack.reference('sim-b'),
      ]);
      expectCleanAnswer(exchange, reference.text);
      expect(exchange.model).toBe('backup');
      expectAttempts(exchange, { cramped: 1, backup: 1 });
      expect(exchange.attempts.map((attempt) => [attempt.outcome, attempt.upstreamStatus])).toEqual([
        ['context_length_exceeded', 400],
        ['ok', undefined],
      ]);
      expect(exchange.idleGapsMs[0]).toBeLessThan(SLACK_MS);
      expect(exchange.elapsedMs).toBeLessThan(1_000);
      await expectServesNormally(stack, `fallback-${mode}`);
    },
  );

  it.sequential('context length exceeded with no other target: 400 at the first attempt', async () => {
    const exchange = await stack.stream(`alone-${mode}`, { fault: 'context_length_exceeded; times=1' });
    expect(exchange.status).toBe(400);
    expect(exchange.ending).toBe('http-error');
    expect(exchange.error?.code).toBe('context_length_exceeded');
    expect(exchange.error?.message).toContain('maximum context length');
    expect(exchange.elapsedMs).toBeLessThan(500);
    await expectServesNormally(stack, `alone-${mode}`);
  });

  it.sequential('content-filter rejection: never retried on that model, the fallback serves', async () => {
    const [exchange, reference] = await Promise.all([
      stack.stream(`patient-${mode}`, { fault: 'content_policy; times=1' }),
      stack.reference('sim-b'),
    ]);
    expectCleanAnswer(exchange, reference.text);
    expect(exchange.model).toBe('backup');
    expectAttempts(exchange, { primary: 1, backup: 1 });
    expect(exchange.attempts.map((attempt) => [attempt.outcome, attempt.upstreamStatus])).toEqual([
      ['content_filtered', 400],
      ['ok', undefined],
    ]);
    expect(exchange.attempts[0]?.message).toContain(PROVIDER_REASON);
    expect(exchange.idleGapsMs[0]).toBeLessThan(SLACK_MS);
    expect(exchange.elapsedMs).toBeLessThan(1_000);
    await expectServesNormally(stack, `fallback-${mode}`);
  });

  it.sequential("content-filter rejection with no other target: 400 with the provider's reason", async () => {
    const exchange = await stack.stream(`alone-${mode}`, { fault: 'content_policy; times=1' });
    expect(exchange.status).toBe(400);
    expect(exchange.ending).toBe('http-error');
    expect(exchange.error?.code).toBe('content_filtered');
    expect(exchange.error?.message).toContain(PROVIDER_REASON);
    expect(exchange.recordError?.code).toBe('content_filtered');
    expect(exchange.elapsedMs).toBeLessThan(500);
    await expectServesNormally(stack, `alone-${mode}`);
  });
});
