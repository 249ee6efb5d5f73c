/**
 * Fault suite (issue 5): `resume: prefill` — a committed stream that is cut continues on the next target
 * that takes assistant prefill, the streamed text sent as the start of its reply. The simulator speaks
 * OpenAI's wire to `primary` and `backup` (no prefill on that wire) and Anthropic's to `prefill`.
 *
 * | Scenario (cut after 40 of 60 tokens) | commit: first-token                                        | commit: buffer                                 |
 * |--------------------------------------|------------------------------------------------------------|------------------------------------------------|
 * | fallback takes prefill               | continued there: the 40 tokens + its continuation, one     | not committed yet: the fallback restarts the   |
 * |                                      | clean answer ([DONE], finish reason); two attempts         | answer unseen, one clean answer; no resume     |
 * | fallback rejects prefill             | the 40 tokens, then the original in-band error; the        | invisible fallback: one clean answer from it   |
 * |                                      | fallback's refusal recorded, it is never called            |                                                |
 *
 * In first-token mode the routing headers went out before the cut, so they name the primary and one
 * attempt; the request record has both attempts.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BASE_MODELS_YAML,
  COMMIT_MODES,
  configYaml,
  expectCleanAnswer,
  expectInBandError,
  expectNoTruncatedSuccess,
  expectServesNormally,
  MAX_TOKENS,
  modelYaml,
  routesYaml,
  SLACK_MS,
  startFaultStack,
  type FaultStack,
} from './harness.ts';

const CUT = 'stream_cut; after=40; times=1';

const MODELS =
  BASE_MODELS_YAML + modelYaml('prefill', 'sim-b', { provider: 'sim-anthropic', input: 3, output: 5 });
const ROUTES =
  routesYaml('fallback', ['primary', 'backup']) +
  routesYaml('continue', ['primary', 'prefill'], 'resume: prefill') +
  routesYaml('stubborn', ['primary', 'backup'], 'resume: prefill');

let stack: FaultStack;
beforeAll(async () => {
  stack = await startFaultStack({ config: configYaml(MODELS, ROUTES), source: 'faults/resume.yaml' });
});
afterAll(async () => {
  await stack.close();
});

describe.concurrent.each(COMMIT_MODES)('resume: prefill, commit: %s', (mode) => {
  it.sequential('a cut stream continues on a prefill-capable fallback into one clean answer', async () => {
    const [exchange, primary, backup] = await Promise.all([
      stack.stream(`continue-${mode}`, { fault: CUT }),
      stack.reference('sim-a'),
      stack.reference('sim-b'),
    ]);
    expect(exchange.perTarget).toEqual({ primary: 1, prefill: 1 });
    expect(exchange.attempts.map((attempt) => attempt.outcome)).toEqual(['upstream_connection_failed', 'ok']);
    expect(exchange.idleGapsMs[0]).toBeLessThan(SLACK_MS);
    expect(exchange.elapsedMs).toBeLessThan(1_000);
    if (mode === 'first-token') {
      // Text from both attempts: the primary's 40 tokens, then what the fallback says after them.
      const prefix = primary.tokens.slice(0, 40).join('');
      const continuation = await stack.continuation('sim-b', prefix);
      expect(exchange.status).toBe(200);
      expect(exchange.ending).toBe('done');
      expectNoTruncatedSuccess(exchange, prefix + continuation);
      expect(exchange.finishReason).toBe('length');
      expect(exchange.attemptsHeader).toBe('1');
      expect(exchange.attempts[1]?.usage?.outputTokens).toBe(MAX_TOKENS);
    } else {
      expectCleanAnswer(exchange, backup.text);
      expect(exchange.model).toBe('prefill');
      expect(exchange.attemptsHeader).toBe('2');
    }
    await expectServesNormally(stack, `continue-${mode}`);
  });

  it.sequential('a fallback that rejects assistant prefill: a committed cut ends in-band', async () => {
    const [exchange, primary, backup] = await Promise.all([
      stack.stream(`stubborn-${mode}`, { fault: CUT }),
      stack.reference('sim-a'),
      stack.reference('sim-b'),
    ]);
    expect(exchange.perTarget).toEqual({ primary: 1, backup: 1 });
    expect(exchange.attempts[0]?.outcome).toBe('upstream_connection_failed');
    expect(exchange.elapsedMs).toBeLessThan(1_000);
    if (mode === 'first-token') {
      expectInBandError(exchange, primary.tokens.slice(0, 40).join(''));
      // The client gets the cut's own error, not the fallback's refusal.
      expect(exchange.error?.code).toBe('upstream_connection_failed');
      expect(exchange.attemptsHeader).toBe('1');
      // The OpenAI wire cannot carry prefill: refused by the gateway, never sent, nothing billed.
      const refused = exchange.attempts[1];
      expect(refused?.outcome).toBe('unsupported_parameter');
      expect(refused?.message).toContain('assistant prefill');
      expect(refused?.usage).toBeUndefined();
      expect(refused?.costUsd).toBeUndefined();
    } else {
      expectCleanAnswer(exchange, backup.text);
      expect(exchange.model).toBe('backup');
      expect(exchange.attemptsHeader).toBe('2');
      expect(exchange.attempts[1]?.outcome).toBe('ok');
      expect(exchange.idleGapsMs[0]).toBeLessThan(SLACK_MS);
    }
    await expectServesNormally(stack, `stubborn-${mode}`);
  });
});
