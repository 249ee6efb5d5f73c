/**
 * Fault suite (issue 5): upstreams that fail before sending anything — a reset, silence, a first token
 * that would take 20 s. Nothing has reached the client, so the commit modes agree:
 *
 * | Scenario               | commit: first-token                                         | commit: buffer |
 * |------------------------|-------------------------------------------------------------|----------------|
 * | reset before headers   | the fallback at once: one clean answer                      | same           |
 * | no response at all     | abandoned after first_token_ms, the fallback serves         | same           |
 * | first token after 20 s | abandoned after first_token_ms (not 20 s), the fallback serves | same        |
 *
 * A non-streamed request has no first-token limit: the provider's headers_ms bounds a silent upstream
 * (tested once; commit modes only concern streams). Note that undici runs headers_ms and body_idle_ms
 * on a ~0.5 s timer wheel, so sub-second values fire up to ~1 s late; first_token_ms is exact.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BASE_MODELS_YAML,
  COMMIT_MODES,
  configYaml,
  expectAttempts,
  expectCleanAnswer,
  expectServesNormally,
  FIRST_TOKEN_MS,
  modelYaml,
  routesYaml,
  SLACK_MS,
  startFaultStack,
  type FaultStack,
} from './harness.ts';

/** Headers timeout of the `sim-quiet` provider, used by the non-streamed silent-upstream test. */
const QUIET_HEADERS_MS = 400;
const QUIET_PROVIDER = `
  sim-quiet:
    type: openai-compatible
    base_url: \${SIM_URL}
    forward_headers: [x-sim-fault]
    timeouts: { connect_ms: 500, headers_ms: ${QUIET_HEADERS_MS}, body_idle_ms: 300 }`;

const MODELS = BASE_MODELS_YAML + modelYaml('quiet', 'sim-a', { provider: 'sim-quiet' });
const ROUTES = routesYaml('fallback', ['primary', 'backup']) + routesYaml('unary', ['quiet', 'backup']);

let stack: FaultStack;
beforeAll(async () => {
  stack = await startFaultStack({
    config: configYaml(MODELS, ROUTES, { extraProviders: QUIET_PROVIDER }),
    source: 'faults/connection.yaml',
  });
});
afterAll(async () => {
  await stack.close();
});

describe.concurrent.each(COMMIT_MODES)('failures before the first byte, commit: %s', (mode) => {
  it.sequential('reset before headers: the fallback serves at once', async () => {
    const [exchange, reference] = await Promise.all([
      stack.stream(`fallback-${mode}`, { fault: 'reset; times=1' }),
      stack.reference('sim-b'),
    ]);
    expectCleanAnswer(exchange, reference.text);
    expect(exchange.model).toBe('backup');
    expectAttempts(exchange, { primary: 1, backup: 1 });
    expect(exchange.attempts.map((attempt) => attempt.outcome)).toEqual(['upstream_connection_failed', 'ok']);
    expect(exchange.idleGapsMs[0]).toBeLessThan(SLACK_MS);
    expect(exchange.elapsedMs).toBeLessThan(1_000);
    await expectServesNormally(stack, `fallback-${mode}`);
  });

  it.sequential('no response at all: abandoned after first_token_ms, the fallback serves', async () => {
    const [exchange, reference] = await Promise.all([
      stack.stream(`fallback-${mode}`, { fault: 'no_response; times=1' }),
      stack.reference('sim-b'),
    ]);
    expectCleanAnswer(exchange, reference.text);
    expect(exchange.model).toBe('backup');
    expectAttempts(exchange, { primary: 1, backup: 1 });
    expect(exchange.attempts.map((attempt) => attempt.outcome)).toEqual(['upstream_timeout', 'ok']);
    expect(exchange.startGapsMs[0]).toBeGreaterThanOrEqual(FIRST_TOKEN_MS);
    expect(exchange.startGapsMs[0]).toBeLessThan(FIRST_TOKEN_MS + SLACK_MS);
    expect(exchange.idleGapsMs[0]).toBeLessThan(SLACK_MS);
    expect(exchange.elapsedMs).toBeLessThan(FIRST_TOKEN_MS + 1_000);
    await expectServesNormally(stack, `fallback-${mode}`);
  });

  it.sequential('first token after 20 s: abandoned after first_token_ms, the fallback serves', async () => {
    const [exchange, reference] = await Promise.all([
      stack.stream(`fallback-${mode}`, { fault: 'slow_first_token; ms=20000; times=1' }),
      stack.reference('sim-b'),
    ]);
    expectCleanAnswer(exchange, reference.text);
    expect(exchange.model).toBe('backup');
    expectAttempts(exchange, { primary: 1, backup: 1 });
    expect(exchange.attempts.map((attempt) => attempt.outcome)).toEqual(['upstream_timeout', 'ok']);
    expect(exchange.attempts[0]?.message).toContain(`within ${FIRST_TOKEN_MS} ms`);
    expect(exchange.startGapsMs[0]).toBeGreaterThanOrEqual(FIRST_TOKEN_MS);
    expect(exchange.startGapsMs[0]).toBeLessThan(FIRST_TOKEN_MS + SLACK_MS);
    expect(exchange.idleGapsMs[0]).toBeLessThan(SLACK_MS);
    expect(exchange.elapsedMs).toBeLessThan(FIRST_TOKEN_MS + 1_000);
    await expectServesNormally(stack, `fallback-${mode}`);
  });
});

describe.concurrent('failures before the first byte, non-streamed', () => {
  it.sequential(
    'no response at all: headers_ms bounds the silent upstream, the fallback serves',
    async () => {
      const [exchange, reference] = await Promise.all([
        stack.send('unary-first-token', { fault: 'no_response; times=1' }),
        stack.reference('sim-b'),
      ]);
      expectCleanAnswer(exchange, reference.text);
      expect(exchange.model).toBe('backup');
      expectAttempts(exchange, { quiet: 1, backup: 1 });
      expect(exchange.attempts.map((attempt) => attempt.outcome)).toEqual(['upstream_timeout', 'ok']);
      expect(exchange.startGapsMs[0]).toBeGreaterThanOrEqual(QUIET_HEADERS_MS);
      // undici's coarse timer wheel: up to ~1 s past a sub-second headers_ms.
      expect(exchange.startGapsMs[0]).toBeLessThan(QUIET_HEADERS_MS + 1_100);
      expect(exchange.idleGapsMs[0]).toBeLessThan(SLACK_MS);
      await expectServesNormally(stack, 'unary-first-token', 'quiet', 'sim-a');
    },
  );
});
