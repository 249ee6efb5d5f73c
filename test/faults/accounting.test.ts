/**
 * Fault suite (issue 5): fail-over accounting. The response names the model that answered, with its
 * usage and cost; every failed attempt is recorded with its own outcome and cost. `primary` and `backup`
 * have different prices, so a cost says which model it was computed for.
 *
 * | Scenario                           | commit: first-token                                       | commit: buffer                                  |
 * |------------------------------------|-----------------------------------------------------------|-------------------------------------------------|
 * | 500 then fallback                  | headers, chunks, usage and record name the fallback; the  | same                                            |
 * |                                    | failed attempt costs nothing                              |                                                 |
 * | cut after 40 of 60 tokens          | the primary's partial output billed to the primary; no    | the primary's partial output billed to it, the  |
 * |                                    | fallback                                                  | fallback's whole answer billed to the fallback  |
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BASE_MODELS_YAML,
  COMMIT_MODES,
  configYaml,
  expectAttempts,
  expectCleanAnswer,
  expectNoTruncatedSuccess,
  expectServesNormally,
  MAX_TOKENS,
  PRICES,
  priceOf,
  routesYaml,
  startFaultStack,
  type FaultStack,
} from './harness.ts';

let stack: FaultStack;
beforeAll(async () => {
  stack = await startFaultStack({
    config: configYaml(BASE_MODELS_YAML, routesYaml('fallback', ['primary', 'backup'])),
    source: 'faults/accounting.yaml',
  });
});
afterAll(async () => {
  await stack.close();
});

describe.concurrent.each(COMMIT_MODES)('fail-over accounting, commit: %s', (mode) => {
  const route = `fallback-${mode}`;

  it.sequential("fail-over accounting: the fallback's model, usage and cost are reported", async () => {
    const [exchange, reference] = await Promise.all([
      stack.stream(route, { fault: 'server_error; times=1' }),
      stack.reference('sim-b'),
    ]);
    expectCleanAnswer(exchange, reference.text);
    expectAttempts(exchange, { primary: 1, backup: 1 });
    // Who answered: routing headers, and the upstream model named in every chunk.
    expect(exchange.model).toBe('backup');
    expect(exchange.headers.get('x-switchyard-provider')).toBe('sim');
    expect(exchange.upstreamModel).toBe('sim-b');
    // Its usage, as the upstream reported it.
    expect(exchange.usage).toMatchObject({
      prompt_tokens: reference.usage.prompt_tokens,
      completion_tokens: MAX_TOKENS,
    });
    const [failed, served] = exchange.attempts;
    expect(failed).toMatchObject({
      target: 'primary',
      outcome: 'upstream_server_error',
      upstreamStatus: 500,
    });
    // Refused before any output: nothing billed.
    expect(failed?.usage).toBeUndefined();
    expect(failed?.costUsd).toBeUndefined();
    const usage = { inputTokens: reference.usage.prompt_tokens, outputTokens: MAX_TOKENS };
    expect(served).toMatchObject({ target: 'backup', deployment: 'sim/sim-b', outcome: 'ok', usage });
    expect(served?.costUsd).toBeCloseTo(priceOf(usage, PRICES.backup), 12);
    await expectServesNormally(stack, route);
  });

  it.sequential("fail-over accounting, non-streamed: the cost header is the fallback's", async () => {
    const [exchange, reference] = await Promise.all([
      stack.send(route, { fault: 'server_error; times=1' }),
      stack.reference('sim-b'),
    ]);
    expectCleanAnswer(exchange, reference.text);
    expectAttempts(exchange, { primary: 1, backup: 1 });
    expect(exchange.model).toBe('backup');
    expect(exchange.upstreamModel).toBe('sim-b');
    const usage = { inputTokens: reference.usage.prompt_tokens, outputTokens: MAX_TOKENS };
    expect(exchange.headers.get('x-switchyard-cost-usd')).toBe(priceOf(usage, PRICES.backup).toFixed(8));
    expect(exchange.attempts[1]?.costUsd).toBeCloseTo(priceOf(usage, PRICES.backup), 12);
    await expectServesNormally(stack, route);
  });

  it.sequential('a stream cut after 40 tokens: each attempt carries its own cost', async () => {
    const [exchange, reference] = await Promise.all([
      stack.stream(route, { fault: 'stream_cut; after=40; times=1' }),
      stack.reference('sim-b'),
    ]);
    expectNoTruncatedSuccess(exchange);
    const [cut, served] = exchange.attempts;
    // The cut attempt streamed output it is billed for, at the primary's prices (usage estimated).
    expect(cut).toMatchObject({ target: 'primary', outcome: 'upstream_connection_failed' });
    expect(cut?.usage?.outputTokens ?? 0).toBeGreaterThan(0);
    expect(cut?.costUsd).toBeCloseTo(priceOf(cut!.usage!, PRICES.primary), 12);
    if (mode === 'first-token') {
      expect(exchange.ending).toBe('in-band-error');
      expectAttempts(exchange, { primary: 1 });
    } else {
      expectCleanAnswer(exchange, reference.text);
      expectAttempts(exchange, { primary: 1, backup: 1 });
      const usage = { inputTokens: reference.usage.prompt_tokens, outputTokens: MAX_TOKENS };
      expect(served).toMatchObject({ target: 'backup', outcome: 'ok', usage });
      expect(served?.costUsd).toBeCloseTo(priceOf(usage, PRICES.backup), 12);
    }
    await expectServesNormally(stack, route);
  });
});
