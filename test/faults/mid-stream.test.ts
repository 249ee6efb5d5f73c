/**
 * Fault suite (issue 5): streams that fail after they started. Here the commit modes differ — a
 * `first-token` stream has already shown text to the client, a `buffer` stream has not:
 *
 * | Scenario                                   | commit: first-token                                   | commit: buffer                                    |
 * |--------------------------------------------|-------------------------------------------------------|---------------------------------------------------|
 * | stream cut after 40 of 60 tokens           | the 40 tokens, then an in-band error                  | invisible fallback: one clean answer from backup  |
 * |                                            | (upstream_connection_failed); no fallback, no [DONE]  |                                                   |
 * | stream stall after 20 tokens               | the 20 tokens, then an in-band upstream_timeout       | invisible fallback once body_idle_ms has passed   |
 * |                                            | once body_idle_ms has passed                          |                                                   |
 * | malformed 10th chunk (role chunk + 8 tokens| the 8 tokens, then an in-band upstream_bad_response   | invisible fallback: one clean answer from backup  |
 * | before it)                                 |                                                       |                                                   |
 * | clean end without finish or [DONE] (after  | the 40 tokens, then an in-band stream_truncated       | invisible fallback: one clean answer from backup  |
 * | 40 tokens)                                 |                                                       |                                                   |
 * | missing [DONE] after the finish chunk      | accepted as whole: one clean answer, one attempt      | same                                              |
 *
 * Either way no truncated answer is ever presented as a success, and a failed attempt is billed for the
 * output it streamed. (`resume: prefill` — continuing a cut stream elsewhere — is resume.test.ts.)
 */

import { randomUUID } from 'node:crypto';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BASE_MODELS_YAML,
  BODY_IDLE_MS,
  COMMIT_MODES,
  configYaml,
  expectAttempts,
  expectCleanAnswer,
  expectInBandError,
  expectServesNormally,
  MAX_TOKENS,
  QUESTION,
  routesYaml,
  SLACK_MS,
  startFaultStack,
  type FaultStack,
} from './harness.ts';

let stack: FaultStack;
beforeAll(async () => {
  stack = await startFaultStack({
    config: configYaml(BASE_MODELS_YAML, routesYaml('fallback', ['primary', 'backup'])),
    source: 'faults/mid-stream.yaml',
  });
});
afterAll(async () => {
  await stack.close();
});

interface MidStreamFault {
  readonly scenario: string;
  readonly fault: string;
  /** Tokens the primary streams before the fault. */
  readonly sentTokens: number;
  readonly code: string;
  /** How long the fault takes to be noticed at least (a stall: the idle timeout). */
  readonly detectMs: number;
  /** Wall-clock bound of the whole request. */
  readonly boundMs: number;
}

const FAULTS: readonly MidStreamFault[] = [
  {
    scenario: 'stream cut after 40 of 60 tokens',
    fault: 'stream_cut; after=40; times=1',
    sentTokens: 40,
    code: 'upstream_connection_failed',
    detectMs: 0,
    boundMs: 1_000,
  },
  {
    scenario: 'stream stall after 20 tokens',
    fault: 'stream_stall; after=20; times=1',
    sentTokens: 20,
    code: 'upstream_timeout',
    detectMs: BODY_IDLE_MS,
    // undici checks body_idle_ms on a ~0.5 s timer wheel: a 300 ms idle timeout fires within ~1.3 s.
    boundMs: BODY_IDLE_MS + 1_500,
  },
  {
    scenario: 'malformed 10th chunk',
    fault: 'malformed_chunk; at=10; times=1',
    // The first chunk carries the role; chunks 2–9 carry tokens 1–8; the 10th would carry the 9th.
    sentTokens: 8,
    code: 'upstream_bad_response',
    detectMs: 0,
    boundMs: 1_000,
  },
  {
    scenario: 'a clean end without finish reason or [DONE] after 40 tokens',
    fault: 'stream_truncate; after=40; times=1',
    sentTokens: 40,
    code: 'stream_truncated',
    detectMs: 0,
    boundMs: 1_000,
  },
];

describe.concurrent.each(COMMIT_MODES)('mid-stream faults, commit: %s', (mode) => {
  const route = `fallback-${mode}`;

  it.sequential.each(FAULTS)('$scenario', async ({ fault, sentTokens, code, detectMs, boundMs }) => {
    const [exchange, primary, backup] = await Promise.all([
      stack.stream(route, { fault }),
      stack.reference('sim-a'),
      stack.reference('sim-b'),
    ]);
    const failed = exchange.attempts[0];
    expect(failed?.outcome).toBe(code);
    // The failed attempt is billed for what it streamed (estimated: the upstream never reported usage).
    expect(failed?.usage?.outputTokens ?? 0).toBeGreaterThan(0);
    expect(failed?.costUsd ?? 0).toBeGreaterThan(0);
    expect(failed?.durationMs ?? 0).toBeGreaterThanOrEqual(detectMs);
    expect(exchange.elapsedMs).toBeLessThan(boundMs);
    if (mode === 'first-token') {
      // Committed at the first token: the text so far, then the failure in-band. No fallback.
      expectInBandError(exchange, primary.tokens.slice(0, sentTokens).join(''));
      expect(exchange.error?.code).toBe(code);
      expect(exchange.model).toBe('primary');
      expectAttempts(exchange, { primary: 1 });
    } else {
      // Still buffered: the fallback starts at once and the client sees only its whole answer.
      expectCleanAnswer(exchange, backup.text);
      expect(exchange.model).toBe('backup');
      expectAttempts(exchange, { primary: 1, backup: 1 });
      expect(exchange.attempts[1]?.outcome).toBe('ok');
      expect(exchange.startGapsMs[0]).toBeGreaterThanOrEqual(detectMs);
      expect(exchange.idleGapsMs[0]).toBeLessThan(SLACK_MS);
    }
    await expectServesNormally(stack, route);
  });

  it.sequential('missing [DONE] after the finish chunk: accepted as whole', async () => {
    const [exchange, reference] = await Promise.all([
      stack.stream(route, { fault: 'missing_done; times=1' }),
      stack.reference('sim-a'),
    ]);
    // The gateway ends the client's stream properly ([DONE]) with the upstream's whole answer and usage.
    expectCleanAnswer(exchange, reference.text);
    expect(exchange.usage).toMatchObject({
      prompt_tokens: reference.usage.prompt_tokens,
      completion_tokens: reference.usage.completion_tokens,
    });
    expect(exchange.model).toBe('primary');
    expectAttempts(exchange, { primary: 1 });
    expect(exchange.attempts[0]?.outcome).toBe('ok');
    expect(exchange.elapsedMs).toBeLessThan(1_000);
    await expectServesNormally(stack, route);
  });

  it.sequential('the openai SDK sees the same: an APIError after the cut, or one clean answer', async () => {
    const client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const stream = await client.chat.completions.create(
      { model: route, messages: [{ role: 'user', content: QUESTION }], max_tokens: MAX_TOKENS, stream: true },
      { headers: { 'x-sim-fault': `stream_cut; after=40; times=1; key=${randomUUID()}` } },
    );
    let text = '';
    let finishReason: string | null = null;
    const read = async (): Promise<void> => {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
      }
    };
    const [primary, backup] = await Promise.all([stack.reference('sim-a'), stack.reference('sim-b')]);
    if (mode === 'first-token') {
      await expect(read()).rejects.toBeInstanceOf(APIError);
      expect(text).toBe(primary.tokens.slice(0, 40).join(''));
      expect(finishReason).toBeNull();
    } else {
      await read();
      expect(text).toBe(backup.text);
      expect(finishReason).toBe('length');
    }
  });
});
