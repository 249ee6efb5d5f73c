/**
 * Same-target retries over real sockets: a transient failure is retried after a jittered backoff, a
 * Retry-After is waited out, one longer than the route allows moves on to the next target, and routes
 * without `retry` never retry the same target.
 */

import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/app.ts';
import { loadConfigText } from '../../src/config/load.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';

const MODEL = `
    provider: upstream
    upstream: sim-lite
    context_window: 128000
    pricing: { input_per_million: 0.1, output_per_million: 0.4 }`;

const CONFIG = `
server: { log_level: silent }
providers:
  upstream: { type: openai-compatible, base_url: '\${SIM_URL}', forward_headers: [x-sim-fault] }
models:
  primary:${MODEL}
  backup:${MODEL}

routes:
  - name: retrying
    targets: [primary, backup]
    retry: { attempts: 3, base_delay_ms: 20, max_retry_after_ms: 1500 }
  - name: plain
    targets: [primary, backup]
  - name: impatient
    targets: [primary, backup]
    first_token_ms: 200
# These tests fail deployments on purpose, many times over; circuits would open between them.
circuit_breaker: { failure_threshold: 0 }
default_route: plain
`;

let simulator: RunningSimulator;
let gateway: Gateway;
let url: string;

beforeAll(async () => {
  simulator = await startSimulator({ latency: 'zero' });
  const config = await loadConfigText(CONFIG, { env: { SIM_URL: simulator.url }, source: 'retries.yaml' });
  gateway = await createGateway(config, pino({ level: 'silent' }));
  url = (await gateway.listen(0, '127.0.0.1')).url;
});
afterAll(async () => {
  await gateway.close();
  await simulator.close();
});

interface Outcome {
  readonly status: number;
  readonly model: string | null;
  readonly attempts: string | null;
  readonly elapsedMs: number;
}

async function ask(route: string, fault?: string): Promise<Outcome> {
  const started = performance.now();
  const faultHeader: Record<string, string> =
    fault === undefined ? {} : { 'x-sim-fault': `${fault}; key=${randomUUID()}` };
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...faultHeader },
    body: JSON.stringify({ model: route, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }),
  });
  await response.arrayBuffer();
  return {
    status: response.status,
    model: response.headers.get('x-switchyard-model'),
    attempts: response.headers.get('x-switchyard-attempts'),
    elapsedMs: performance.now() - started,
  };
}

describe('same-target retries', () => {
  it('retry a transient 500 on the same target instead of failing over', async () => {
    const outcome = await ask('retrying', 'server_error; times=1');
    expect(outcome).toMatchObject({ status: 200, model: 'primary', attempts: '2' });
  });

  it('wait out a Retry-After the route accepts', async () => {
    const outcome = await ask('retrying', 'rate_limit; retry_after=1; times=1');
    expect(outcome).toMatchObject({ status: 200, model: 'primary', attempts: '2' });
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(1_000);
  });

  it('move on at once when the Retry-After is longer than the route waits', async () => {
    const outcome = await ask('retrying', 'rate_limit; retry_after=30; times=1');
    expect(outcome).toMatchObject({ status: 200, model: 'backup', attempts: '2' });
    expect(outcome.elapsedMs).toBeLessThan(1_000);
  });

  it('are off by default: a route without `retry` falls over to the next target', async () => {
    const outcome = await ask('plain', 'server_error; times=1');
    expect(outcome).toMatchObject({ status: 200, model: 'backup', attempts: '2' });
  });

  it('stop when attempts and targets run out, with every attempt in the error', async () => {
    const started = performance.now();
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sim-fault': 'unavailable' },
      body: JSON.stringify({ model: 'retrying', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }),
    });
    const body = (await response.json()) as { error: { message: string } };
    expect(response.status).toBe(503);
    // Three attempts on primary (two retries), then the request's budget of three retries leaves one
    // retry on backup: five attempts in all.
    expect(body.error.message).toContain('All 5 attempt(s) failed');
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('the end-to-end deadline', () => {
  it('bounds all attempts of a request: a slow primary and its fallback end at the deadline with 504', async () => {
    const started = performance.now();
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-sim-fault': 'slow_first_token; ms=3000',
        'x-switchyard-deadline-ms': '300',
      },
      body: JSON.stringify({ model: 'plain', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }),
    });
    const body = (await response.json()) as { error: { code: string } };
    const elapsed = performance.now() - started;
    expect(response.status).toBe(504);
    expect(body.error.code).toBe('deadline_exceeded');
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1_500);
  });

  it('rejects a malformed deadline header naming it', async () => {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchyard-deadline-ms': 'soon' },
      body: JSON.stringify({ model: 'plain', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }),
    });
    const body = (await response.json()) as { error: { param: string } };
    expect(response.status).toBe(400);
    expect(body.error.param).toBe('x-switchyard-deadline-ms');
  });
});

describe('the first-token limit', () => {
  it('abandons a stream whose first token is late and serves it from the next target', async () => {
    const started = performance.now();
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-sim-fault': `slow_first_token; ms=3000; times=1; key=${randomUUID()}`,
      },
      body: JSON.stringify({
        model: 'impatient',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 4,
      }),
    });
    const text = await response.text();
    const elapsed = performance.now() - started;
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-model')).toBe('backup');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    expect(text).toContain('data: [DONE]');
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1_500);
  });

  it('does not limit a stream whose first token arrives in time', async () => {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'impatient',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 4,
      }),
    });
    await response.text();
    expect(response.headers.get('x-switchyard-model')).toBe('primary');
  });
});
