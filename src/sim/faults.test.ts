import { describe, expect, it } from 'vitest';
import { FaultSpecError, FaultState, parseFaultList, parseFaultSpec } from './faults.ts';
import { createRandom } from './random.ts';

describe('parseFaultSpec', () => {
  it('fills in defaults and reads parameters and modifiers', () => {
    expect(parseFaultSpec('rate_limit').fault).toEqual({ name: 'rate_limit', retryAfterSeconds: 1 });
    expect(parseFaultSpec('rate_limit;retry_after=7').fault).toEqual({
      name: 'rate_limit',
      retryAfterSeconds: 7,
    });
    expect(parseFaultSpec('stream_cut; after=0').fault).toEqual({ name: 'stream_cut', afterTokens: 0 });
    expect(parseFaultSpec('stream_truncate').fault).toEqual({ name: 'stream_truncate', afterTokens: 5 });
    expect(parseFaultSpec('malformed_chunk;at=4').fault).toEqual({ name: 'malformed_chunk', atChunk: 4 });
    expect(parseFaultSpec('slow_first_token;ms=250').fault).toEqual({
      name: 'slow_first_token',
      delayMs: 250,
    });
    expect(parseFaultSpec('server_error;times=2;for_ms=500;key=abc;p=0.5')).toEqual({
      fault: { name: 'server_error' },
      times: 2,
      forMs: 500,
      key: 'abc',
      probability: 0.5,
    });
  });

  it.each([
    ['explode', /Unknown fault 'explode'\. Known faults: rate_limit,/],
    [
      'rate_limit;after=3',
      /Fault 'rate_limit' has no parameter 'after'\. Allowed: retry_after, times, for_ms, key, p/,
    ],
    ['stream_cut;after=-1', /'after' must be an integer >= 0, got '-1'/],
    ['stream_cut;after=two', /'after' must be an integer >= 0, got 'two'/],
    ['malformed_chunk;at=0', /'at' must be an integer >= 1/],
    ['server_error;times=0', /'times' must be an integer >= 1/],
    ['server_error;for_ms=', /'for_ms' must be an integer >= 1/],
    ['server_error;p=1.5', /'p' must be a number from 0 to 1/],
    ['server_error;key=', /'key' must not be empty/],
    ['server_error;oops', /expected key=value, got 'oops'/],
  ])('rejects %s', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(FaultSpecError);
    expect(() => parseFaultSpec(spec)).toThrow(message);
  });

  it('parses a comma-separated list in order', () => {
    expect(parseFaultList('rate_limit;times=1, server_error').map((rule) => rule.fault.name)).toEqual([
      'rate_limit',
      'server_error',
    ]);
    expect(parseFaultList(' ')).toEqual([]);
  });
});

describe('FaultState', () => {
  it('fires a times=N fault for the first N requests per model and fault', () => {
    const state = new FaultState(createRandom(1));
    const rules = parseFaultList('server_error;times=2');
    const outcomes = [0, 1, 2, 3].map((at) => state.select(rules, 'model-a', at)?.name);
    expect(outcomes).toEqual(['server_error', 'server_error', undefined, undefined]);
    // Another model has its own count.
    expect(state.select(rules, 'model-b', 4)?.name).toBe('server_error');
  });

  it('shares a count between models through key=', () => {
    const state = new FaultState(createRandom(1));
    const rules = parseFaultList('unavailable;times=1;key=shared');
    expect(state.select(rules, 'model-a', 0)?.name).toBe('unavailable');
    expect(state.select(rules, 'model-b', 1)).toBeUndefined();
  });

  it('fires a for_ms fault only within the window from the first request', () => {
    const state = new FaultState(createRandom(1));
    const rules = parseFaultList('rate_limit;for_ms=100');
    expect(state.select(rules, 'm', 1_000)?.name).toBe('rate_limit');
    expect(state.select(rules, 'm', 1_099)?.name).toBe('rate_limit');
    expect(state.select(rules, 'm', 1_100)).toBeUndefined();
  });

  it('falls through to the next rule once the first is spent, and forgets counts on reset', () => {
    const state = new FaultState(createRandom(1));
    const rules = parseFaultList('rate_limit;times=1,server_error;times=1');
    expect([0, 1, 2].map((at) => state.select(rules, 'm', at)?.name)).toEqual([
      'rate_limit',
      'server_error',
      undefined,
    ]);
    state.reset();
    expect(state.select(rules, 'm', 3)?.name).toBe('rate_limit');
  });

  it('fires with the given probability', () => {
    const state = new FaultState(createRandom(1));
    const rules = parseFaultList('server_error;p=0.25');
    let fired = 0;
    for (let index = 0; index < 4_000; index++) if (state.select(rules, 'm', index) !== undefined) fired += 1;
    expect(fired / 4_000).toBeGreaterThan(0.22);
    expect(fired / 4_000).toBeLessThan(0.28);
    expect(state.select(parseFaultList('server_error;p=0'), 'm', 0)).toBeUndefined();
  });
});
