/** Assertions every fault scenario shares. */

import { expect } from 'vitest';
import { MAX_TOKENS } from './config.ts';
import type { FaultStack } from './harness.ts';
import type { Exchange } from './wire.ts';

/**
 * Scheduling noise allowed on top of a configured wait or an "at once" (the simulator and the gateway
 * share one event loop, on a 2-core machine).
 */
export const SLACK_MS = 150;

/** The request record shows these attempts per target; the attempts header counts them all. */
export function expectAttempts(exchange: Exchange, perTarget: Readonly<Record<string, number>>): void {
  expect(exchange.perTarget).toEqual(perTarget);
  const total = Object.values(perTarget).reduce((sum, count) => sum + count, 0);
  expect(exchange.attemptsHeader).toBe(String(total));
}

/** USD for a usage at a model's prices (per million tokens). */
export function priceOf(
  usage: { readonly inputTokens: number; readonly outputTokens: number },
  price: { readonly input: number; readonly output: number },
): number {
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}

/**
 * No truncated success: a stream either ends with `[DONE]` after a finish reason and its whole answer
 * (`expectedText`, when known), or it ends with an error — in-band or as an HTTP status. Never an end
 * with neither, never events after the error or after `[DONE]`.
 */
export function expectNoTruncatedSuccess(exchange: Exchange, expectedText?: string): void {
  expect(exchange.violations).toEqual([]);
  expect(exchange.ending).not.toBe('eof');
  if (exchange.ending === 'done') {
    expect(exchange.status).toBe(200);
    expect(exchange.finishReason).not.toBeNull();
    expect(exchange.error).toBeUndefined();
    if (expectedText !== undefined) expect(exchange.text).toBe(expectedText);
  } else {
    expect(exchange.error?.message.length ?? 0).toBeGreaterThan(0);
    expect(exchange.finishReason).toBeNull();
  }
}

/** One clean answer: `[DONE]`, a finish reason, usage, and exactly `expectedText`. */
export function expectCleanAnswer(exchange: Exchange, expectedText: string): void {
  expect(exchange.status).toBe(200);
  expect(exchange.ending).toBe('done');
  expectNoTruncatedSuccess(exchange, expectedText);
  expect(exchange.finishReason).toBe('length');
  expect(exchange.usage?.completion_tokens).toBe(MAX_TOKENS);
}

/** A committed stream that failed: the text sent so far, then an error event, no finish, no `[DONE]`. */
export function expectInBandError(exchange: Exchange, sentText: string): void {
  expect(exchange.status).toBe(200);
  expect(exchange.ending).toBe('in-band-error');
  expectNoTruncatedSuccess(exchange);
  expect(exchange.text).toBe(sentText);
}

/**
 * The gateway serves normally afterwards: a fault-free request on `route` is answered by `model` (whose
 * upstream is `upstream`) at the first attempt, in full.
 */
export async function expectServesNormally(
  stack: FaultStack,
  route: string,
  model = 'primary',
  upstream = 'sim-a',
): Promise<void> {
  const [after, reference] = await Promise.all([stack.stream(route), stack.reference(upstream)]);
  expectCleanAnswer(after, reference.text);
  expect(after.model).toBe(model);
  expect(after.perTarget).toEqual({ [model]: 1 });
  expect(after.attempts[0]?.outcome).toBe('ok');
}
