/**
 * Fault suite (issue 5): a primary that is down for 60 s, then healthy. Its circuit opens after three
 * failures, the fallback serves (first after each failed call, then without calling the primary at all),
 * half-open probes fail while the outage lasts and the circuit re-opens, and the first probe after it
 * closes the circuit. One manual clock drives both the simulator's `for_ms` outage and the gateway's
 * circuit breakers, so 64 simulated seconds take a few hundred real milliseconds.
 *
 * The failures come before any output, so the commit modes agree (each mode gets its own simulator and
 * gateway, so each sees the whole outage).
 *
 * | Scenario                   | commit: first-token                                           | commit: buffer |
 * |----------------------------|---------------------------------------------------------------|----------------|
 * | primary down 60 s, healthy | opens after 3 failures; fallback serves throughout; closes on | same           |
 * |                            | the first probe after the outage                              |                |
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
  ManualClock,
  modelYaml,
  routesYaml,
  SLACK_MS,
  startFaultStack,
  type Exchange,
  type FaultStack,
} from './harness.ts';

const OUTAGE_MS = 60_000;
const FAILURE_THRESHOLD = 3;
/** As configured by configYaml: failures counted over 10 s, a circuit stays open 20 s before a probe. */
const OPEN_MS = 20_000;
const DEPLOYMENT = 'sim/sim-down';

const MODELS = BASE_MODELS_YAML + modelYaml('flaky', 'sim-down');

describe.concurrent.each(COMMIT_MODES)('circuit breaker, commit: %s', (mode) => {
  const route = `guarded-${mode}`;
  const clock = new ManualClock();
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await startFaultStack({
      config: configYaml(MODELS, routesYaml('guarded', ['flaky', 'backup']), {
        circuitFailureThreshold: FAILURE_THRESHOLD,
      }),
      source: 'faults/circuit.yaml',
      clock,
      // Every call to `sim-down` answers 503 for 60 s (on the manual clock) from the first one.
      profiles: { ...BASE_PROFILES, 'sim-down': fastProfile([`unavailable; for_ms=${OUTAGE_MS}`]) },
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  const circuitState = async (): Promise<string | undefined> =>
    (await stack.circuits()).find((circuit) => circuit.deployment === DEPLOYMENT)?.state;

  /** The fallback answered, after one attempt on the primary that ended with `outcome`. */
  const expectFallbackServed = async (exchange: Exchange, outcome: string): Promise<void> => {
    expectCleanAnswer(exchange, (await stack.reference('sim-b')).text);
    expect(exchange.model).toBe('backup');
    expectAttempts(exchange, { flaky: 1, backup: 1 });
    expect(exchange.attempts.map((attempt) => attempt.outcome)).toEqual([outcome, 'ok']);
    expect(exchange.idleGapsMs[0]).toBeLessThan(SLACK_MS);
  };

  it.sequential(
    'primary down for 60 s: the circuit opens, the fallback serves, the circuit closes',
    async () => {
      const started = performance.now();
      // t = 0 s, 1 s, 2 s: the outage begins; each failure falls back; the third opens the circuit.
      for (let failure = 1; failure <= FAILURE_THRESHOLD; failure++) {
        expect(await circuitState()).toBeOneOf([undefined, 'closed']);
        const exchange = await stack.stream(route);
        await expectFallbackServed(exchange, 'upstream_unavailable');
        expect(exchange.attempts[0]?.upstreamStatus).toBe(503);
        clock.advance(1_000);
      }
      expect(await circuitState()).toBe('open');

      // t = 3 s: open. The primary is not called at all (no upstream status, no time spent on it).
      const skipped = await stack.stream(route);
      await expectFallbackServed(skipped, 'circuit_open');
      expect(skipped.attempts[0]?.upstreamStatus).toBeUndefined();
      expect(skipped.attempts[0]?.durationMs).toBeLessThan(SLACK_MS);

      // t = 23 s: open_ms has passed since it opened (t = 2 s): one probe, still down, open again.
      clock.advance(OPEN_MS);
      expect(await circuitState()).toBe('half-open');
      await expectFallbackServed(await stack.stream(route), 'upstream_unavailable');
      expect(await circuitState()).toBe('open');

      // t = 33 s: open (re-opened at 23 s); skipped again.
      clock.advance(10_000);
      await expectFallbackServed(await stack.stream(route), 'circuit_open');

      // t = 64 s: the outage ended at 60 s and the circuit is due a probe: it succeeds and closes.
      clock.advance(31_000);
      const [recovered, reference] = await Promise.all([stack.stream(route), stack.reference('sim-down')]);
      expectCleanAnswer(recovered, reference.text);
      expect(recovered.model).toBe('flaky');
      expectAttempts(recovered, { flaky: 1 });
      expect(await circuitState()).toBe('closed');

      // 64 simulated seconds, a fraction of one real one.
      expect(performance.now() - started).toBeLessThan(3_000);
      clock.advance(1_000);
      await expectServesNormally(stack, route, 'flaky', 'sim-down');
    },
  );
});
