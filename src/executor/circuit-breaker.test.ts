import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/errors.ts';
import { createCircuitBreakers } from './circuit-breaker.ts';

const SETTINGS = { failureThreshold: 3, windowMs: 10_000, openMs: 5_000 };
const serverError = new GatewayError('upstream_server_error', 'boom');

function clock(start = 1_000_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

describe('circuit breakers', () => {
  it('open after the threshold of failures within the window, and send nothing while open', () => {
    const time = clock();
    const breakers = createCircuitBreakers(SETTINGS, time.now);
    for (let index = 0; index < 2; index++) breakers.failed('p/m', serverError);
    expect(breakers.allow('p/m')).toBe(true);
    breakers.failed('p/m', serverError);
    expect(breakers.allow('p/m')).toBe(false);
    expect(breakers.snapshot()).toEqual([
      { deployment: 'p/m', state: 'open', recentFailures: 3, probeAt: time.now() + 5_000 },
    ]);
    expect(breakers.allow('other/m')).toBe(true);
  });

  it('forget failures older than the window', () => {
    const time = clock();
    const breakers = createCircuitBreakers(SETTINGS, time.now);
    breakers.failed('p/m', serverError);
    breakers.failed('p/m', serverError);
    time.advance(10_001);
    breakers.failed('p/m', serverError);
    expect(breakers.allow('p/m')).toBe(true);
  });

  it('let one probe through after open_ms; success closes, failure reopens', () => {
    const time = clock();
    const breakers = createCircuitBreakers(SETTINGS, time.now);
    for (let index = 0; index < 3; index++) breakers.failed('p/m', serverError);
    time.advance(5_000);
    expect(breakers.allow('p/m')).toBe(true); // the probe
    expect(breakers.allow('p/m')).toBe(false); // only one at a time
    breakers.failed('p/m', serverError);
    expect(breakers.allow('p/m')).toBe(false);
    time.advance(5_000);
    expect(breakers.allow('p/m')).toBe(true);
    breakers.succeeded('p/m');
    expect(breakers.allow('p/m')).toBe(true);
    expect(breakers.snapshot()[0]).toMatchObject({ state: 'closed', recentFailures: 0 });
  });

  it('ignore failures that are not the deployment’s: bad requests, overflows, filters, rate limits', () => {
    const breakers = createCircuitBreakers(SETTINGS, clock().now);
    for (const code of [
      'upstream_bad_request',
      'context_length_exceeded',
      'content_filtered',
      'upstream_rate_limited',
    ] as const) {
      for (let index = 0; index < 5; index++) breakers.failed('p/m', new GatewayError(code, 'x'));
    }
    expect(breakers.allow('p/m')).toBe(true);
  });

  it('never open with a threshold of 0', () => {
    const breakers = createCircuitBreakers({ ...SETTINGS, failureThreshold: 0 }, clock().now);
    for (let index = 0; index < 10; index++) breakers.failed('p/m', serverError);
    expect(breakers.allow('p/m')).toBe(true);
  });
});

describe('rejected credentials', () => {
  it('open the circuit on the first 401/403, below the threshold', () => {
    const time = clock();
    const breakers = createCircuitBreakers(SETTINGS, time.now);
    breakers.failed('p/m', new GatewayError('upstream_auth_failed', 'invalid key'));
    expect(breakers.allow('p/m')).toBe(false);
    expect(breakers.blocked('p/m')).toBe(true);
  });

  it('blocked() reports without taking the half-open probe; released() frees a probe', () => {
    const time = clock();
    const breakers = createCircuitBreakers(SETTINGS, time.now);
    for (let index = 0; index < 3; index++) breakers.failed('p/m', serverError);
    time.advance(5_000);
    expect(breakers.blocked('p/m')).toBe(false);
    expect(breakers.blocked('p/m')).toBe(false);
    expect(breakers.allow('p/m')).toBe(true);
    expect(breakers.blocked('p/m')).toBe(true);
    breakers.released('p/m');
    expect(breakers.allow('p/m')).toBe(true);
  });
});
