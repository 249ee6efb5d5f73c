/**
 * Deployments of one model over real sockets: three providers point at one simulator, so a model can be
 * served by "a", "b" or both, told apart by x-switchyard-provider and the request record's
 * `attempts[].deployment`. Covers the weighted split, failing over to another deployment of the same
 * model before the next target, rpm capacity (on an injected clock) and latency-aware balancing.
 * Every request has a deadline, so a gateway that stopped answering fails the test instead of hanging it.
 */

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/app.ts';
import { loadConfigText } from '../../src/config/load.ts';
import type { SimModelProfile } from '../../src/sim/types.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';

const profile = (median: number, faults: readonly string[] = []): SimModelProfile => ({
  ttftMs: { median, p95: median * 1.5 },
  tokensPerSecond: 5_000,
  contextWindow: 128_000,
  faults,
});

const PROFILES: Readonly<Record<string, SimModelProfile>> = {
  quick: profile(2),
  slowish: profile(60),
  broken: profile(2, ['server_error']),
};

const PRICED = 'context_window: 128000, pricing: { input_per_million: 0.1, output_per_million: 0.4 }';

const CONFIG = `
server: { log_level: silent }
providers:
  a: { type: openai-compatible, base_url: '\${SIM_URL}' }
  b: { type: openai-compatible, base_url: '\${SIM_URL}' }
  c: { type: openai-compatible, base_url: '\${SIM_URL}' }
models:
  split: { provider: a, upstream: quick, weight: 3, deployments: [{ provider: b, weight: 1 }], ${PRICED} }
  # Almost always tried on the failing deployment first.
  flaky: { provider: a, upstream: broken, weight: 19, deployments: [{ provider: b, upstream: quick }], ${PRICED} }
  dead: { provider: a, upstream: broken, deployments: [{ provider: b }], ${PRICED} }
  racer:
    provider: a
    upstream: slowish
    balance: latency
    deployments: [{ provider: b, upstream: quick }]
    ${PRICED.replace(', ', '\n    ')}
  metered: { provider: a, upstream: quick, rpm: 2, ${PRICED} }
  backup: { provider: c, upstream: quick, ${PRICED} }
routes:
  - { name: split-route, targets: [split] }
  - { name: flaky-route, targets: [flaky, backup] }
  - { name: dead-route, targets: [dead, backup] }
  - { name: racer-route, targets: [racer] }
  - { name: metered-only, targets: [metered] }
  - { name: metered-fallback, targets: [metered, backup] }
# Deployments fail here on purpose, many times over; circuits would open between tests.
circuit_breaker: { failure_threshold: 0 }
default_route: split-route
`;

interface AttemptView {
  readonly target: string;
  readonly provider: string;
  readonly deployment: string;
  readonly outcome: string;
  readonly upstreamStatus?: number;
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

let simulator: RunningSimulator;
let gateway: Gateway;
let url: string;

beforeAll(async () => {
  simulator = await startSimulator({ latency: 'realistic', profiles: PROFILES });
  const config = await loadConfigText(CONFIG, {
    env: { SIM_URL: simulator.url },
    source: 'deployments.yaml',
  });
  gateway = await createGateway(config, pino({ level: 'silent' }));
  url = (await gateway.listen(0, '127.0.0.1')).url;
});
afterAll(async () => {
  await gateway.close();
  await simulator.close();
});

async function ask(base: string, route: string): Promise<Answer> {
  const response = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: route, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }),
    // A gateway that never answers fails the test instead of running into its timeout.
    signal: AbortSignal.timeout(3_000),
  }).catch(() => {
    throw new Error(`${route}: no answer within 3 s: the gateway is stuck`);
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

async function attemptsOf(base: string, answer: Answer): Promise<readonly AttemptView[]> {
  const id = answer.headers.get('x-switchyard-request-id') ?? '';
  const response = await fetch(`${base}/v1/requests/${id}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { attempts: readonly AttemptView[] }).attempts;
}

/** `count` requests, `parallel` at a time. */
async function askMany(route: string, count: number, parallel = 10): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let sent = 0; sent < count; sent += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - sent) }, () => ask(url, route));
    answers.push(...(await Promise.all(batch)));
  }
  return answers;
}

describe('weighted deployments', () => {
  it('split traffic about 3:1 by weight', async () => {
    const answers = await askMany('split-route', 200);
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(new Set(answers.map((answer) => answer.headers.get('x-switchyard-model')))).toEqual(
      new Set(['split']),
    );
    const onA = answers.filter((answer) => answer.headers.get('x-switchyard-provider') === 'a').length;
    const onB = answers.filter((answer) => answer.headers.get('x-switchyard-provider') === 'b').length;
    expect(onA + onB).toBe(200);
    // Expected 150 : 50, standard deviation ~6: four of them either way.
    expect(onA).toBeGreaterThanOrEqual(125);
    expect(onA).toBeLessThanOrEqual(175);
  });
});

describe('a failing deployment', () => {
  it('is followed at once by another deployment of the same model, never by the next target', async () => {
    let failedFirst = 0;
    for (const answer of await askMany('flaky-route', 12, 4)) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-switchyard-model')).toBe('flaky');
      expect(answer.headers.get('x-switchyard-provider')).toBe('b');
      const attempts = await attemptsOf(url, answer);
      expect(answer.headers.get('x-switchyard-attempts')).toBe(String(attempts.length));
      expect(attempts.at(-1)).toMatchObject({
        target: 'flaky',
        provider: 'b',
        deployment: 'b/quick',
        outcome: 'ok',
      });
      if (attempts.length === 2) {
        failedFirst += 1;
        expect(attempts[0]).toMatchObject({
          target: 'flaky',
          provider: 'a',
          deployment: 'a/broken',
          outcome: 'upstream_server_error',
          upstreamStatus: 500,
        });
      } else expect(attempts).toHaveLength(1);
    }
    // Weighted 19:1 towards the failing one: nearly every request met it first.
    expect(failedFirst).toBeGreaterThanOrEqual(8);
  });

  it('moves on to the next target only when every deployment of the model has failed', async () => {
    const answer = await ask(url, 'dead-route');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-switchyard-model')).toBe('backup');
    const attempts = await attemptsOf(url, answer);
    expect(
      attempts.map((attempt) => `${attempt.target} ${attempt.deployment} ${attempt.outcome}`).sort(),
    ).toEqual([
      'backup c/quick ok',
      'dead a/broken upstream_server_error',
      'dead b/broken upstream_server_error',
    ]);
    expect(attempts.at(-1)?.target).toBe('backup');
  });
});

describe('latency balancing', () => {
  it('sends most traffic to the faster deployment', async () => {
    const providers: (string | null)[] = [];
    for (let i = 0; i < 30; i++) {
      const answer = await ask(url, 'racer-route');
      expect(answer.status).toBe(200);
      providers.push(answer.headers.get('x-switchyard-provider'));
    }
    // b answers in ~2 ms, a in ~60 ms; after a probe or two of each, b wins nearly every draw.
    const onFast = providers.filter((provider) => provider === 'b').length;
    expect(onFast).toBeGreaterThanOrEqual(24);
  });
});

/** A gateway on a clock the test can move forward. */
interface ClockedGateway {
  readonly url: string;
  advanceClock(ms: number): Promise<void>;
  close(): Promise<void>;
}

async function startClockedGateway(configText: string, simUrl: string): Promise<ClockedGateway> {
  let offsetMs = 0;
  const config = await loadConfigText(configText, { env: { SIM_URL: simUrl }, source: 'rpm.yaml' });
  const gateway = await createGateway(config, pino({ level: 'silent' }), {
    now: () => Date.now() + offsetMs,
  });
  const { url } = await gateway.listen(0, '127.0.0.1');
  return {
    url,
    async advanceClock(ms) {
      offsetMs += ms;
    },
    close: () => gateway.close(),
  };
}

describe('rpm capacity', () => {
  let child: ClockedGateway;
  beforeAll(async () => {
    child = await startClockedGateway(CONFIG, simulator.url);
  });
  afterAll(() => child.close());

  it('answers 429 with Retry-After beyond rpm, falls back when it can, and recovers after the minute', async () => {
    for (let i = 0; i < 2; i++) {
      const answer = await ask(child.url, 'metered-only');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-switchyard-model')).toBe('metered');
    }

    const refused = await ask(child.url, 'metered-only');
    expect(refused.status).toBe(429);
    expect((JSON.parse(refused.body) as { error: { code: string } }).error.code).toBe('capacity_exhausted');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // The same model, full, on a route with somewhere else to go.
    const diverted = await ask(child.url, 'metered-fallback');
    expect(diverted.status).toBe(200);
    expect(diverted.headers.get('x-switchyard-model')).toBe('backup');
    const attempts = await attemptsOf(child.url, diverted);
    expect(attempts.map((attempt) => [attempt.target, attempt.outcome])).toEqual([
      ['metered', 'capacity_exhausted'],
      ['backup', 'ok'],
    ]);

    // Retry-After was honest: once it has passed, the model takes requests again.
    await child.advanceClock(retryAfter * 1_000 + 1_000);
    const again = await ask(child.url, 'metered-only');
    expect(again.status).toBe(200);
    expect(again.headers.get('x-switchyard-model')).toBe('metered');
  });
});
