/**
 * Throttled gates over real sockets. Gated models sit behind a counting proxy in front of a simulator
 * whose "slow" model takes 250 ms to answer, so the proxy sees every upstream call the gates let through
 * and how many overlapped; the fallback model is reached directly.
 * Every request has a deadline, so a gateway that stopped answering fails the test instead of hanging it.
 */

import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createGateway, type Gateway } from '../../src/app.ts';
import { loadConfigText } from '../../src/config/load.ts';
import type { SimModelProfile } from '../../src/sim/types.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';

const SLOW_MS = 250;
/** Every request here is answered well within this; a stuck gateway is not. */
const ANSWER_WITHIN_MS = 2_000;

const PROFILES: Readonly<Record<string, SimModelProfile>> = {
  slow: {
    ttftMs: { median: SLOW_MS, p95: SLOW_MS },
    tokensPerSecond: 5_000,
    contextWindow: 128_000,
    faults: [],
  },
  quick: { ttftMs: { median: 2, p95: 3 }, tokensPerSecond: 5_000, contextWindow: 128_000, faults: [] },
};

const PRICED = 'context_window: 128000, pricing: { input_per_million: 0.1, output_per_million: 0.4 }';

const CONFIG = `
server: { log_level: silent }
providers:
  gated: { type: openai-compatible, base_url: '\${PROXY_URL}' }
  direct: { type: openai-compatible, base_url: '\${SIM_URL}' }
models:
  heavy: { provider: gated, upstream: slow, gate: { max_concurrency: 1, max_queue: 1 }, ${PRICED} }
  impatient:
    provider: gated
    upstream: slow
    gate: { max_concurrency: 1, max_queue: 4, queue_timeout_ms: 100 }
    ${PRICED.replace(', ', '\n    ')}
  ranked: { provider: gated, upstream: slow, gate: { max_concurrency: 1, max_queue: 4 }, ${PRICED} }
  backup: { provider: direct, upstream: quick, ${PRICED} }
routes:
  - { name: heavy-only, targets: [heavy] }
  - { name: heavy-fallback, targets: [heavy, backup] }
  - { name: impatient-only, targets: [impatient] }
  - { name: ranked-only, targets: [ranked] }
  - { name: backup-only, targets: [backup] }
circuit_breaker: { failure_threshold: 0 }
default_route: heavy-only
`;

/** Upstream calls seen by the counting proxy. */
interface ProxyStats {
  inFlight: number;
  maxInFlight: number;
  calls: number;
}

/** Forwards to the simulator, counting the calls in flight; a response is counted out before it is sent. */
async function startCountingProxy(
  upstream: string,
): Promise<{ url: string; stats: ProxyStats; close: () => Promise<void> }> {
  const target = new URL(upstream);
  const stats: ProxyStats = { inFlight: 0, maxInFlight: 0, calls: 0 };
  const server: Server = createServer((incoming, outgoing) => {
    stats.calls += 1;
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    let counted = true;
    const done = (): void => {
      if (counted) stats.inFlight -= 1;
      counted = false;
    };
    const forwarded = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          done();
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          outgoing.end(Buffer.concat(chunks));
        });
      },
    );
    forwarded.on('error', () => {
      done();
      outgoing.destroy();
    });
    outgoing.on('close', () => {
      done();
      forwarded.destroy();
    });
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A gateway in this process; resolves with its URL. */
async function startGatewayInProcess(
  env: Record<string, string>,
): Promise<{ url: string; gateway: Gateway }> {
  const config = await loadConfigText(CONFIG, { env, source: 'gates.yaml' });
  const gateway = await createGateway(config, pino({ level: 'silent' }));
  const { url } = await gateway.listen(0, '127.0.0.1');
  return { url, gateway };
}

interface Answer {
  readonly status: number;
  readonly model: string | null;
  readonly code: string | undefined;
  readonly retryAfter: string | null;
  /** Since the test's `t0`, when the answer was complete. */
  readonly doneAtMs: number;
}

let simulator: RunningSimulator;
let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
let gateway: { url: string; gateway: Gateway };
let t0 = 0;

/** A fresh gateway, warmed up by one request that no gate stands in front of. */
async function startGateway(): Promise<{ url: string; gateway: Gateway }> {
  const started = await startGatewayInProcess({ SIM_URL: simulator.url, PROXY_URL: proxy.url });
  const warmUp = await fetch(`${started.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'backup-only',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 4,
    }),
  });
  await warmUp.arrayBuffer();
  return started;
}

beforeAll(async () => {
  simulator = await startSimulator({ latency: 'realistic', profiles: PROFILES });
  proxy = await startCountingProxy(simulator.url);
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway.gateway.close();
  await proxy.close();
  await simulator.close();
});
beforeEach(() => {
  proxy.stats.maxInFlight = 0;
  proxy.stats.calls = 0;
  t0 = performance.now();
});
afterEach(async () => {
  // However the test went, the gate never let two calls through at once.
  expect(proxy.stats.maxInFlight).toBeLessThanOrEqual(1);
  // A gateway a test left unresponsive is replaced, so one failure does not fail the rest.
  const healthy = await fetch(`${gateway.url}/healthz`, { signal: AbortSignal.timeout(500) }).then(
    (response) => response.ok,
    () => false,
  );
  if (!healthy) {
    void gateway.gateway.close();
    gateway = await startGateway();
  }
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends a request after `delayMs` (so arrival order at the gate is known). */
async function ask(route: string, delayMs = 0, priority?: 'high' | 'low'): Promise<Answer> {
  await sleep(delayMs);
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(priority && { 'x-switchyard-priority': priority }) },
    body: JSON.stringify({ model: route, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }),
    // A gateway that never answers fails the test in good time.
    signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
  }).catch(() => {
    throw new Error(`${route}: no answer within ${ANSWER_WITHIN_MS} ms: the gateway is stuck`);
  });
  const body = (await response.json()) as { error?: { code?: string } };
  return {
    status: response.status,
    model: response.headers.get('x-switchyard-model'),
    code: body.error?.code,
    retryAfter: response.headers.get('retry-after'),
    doneAtMs: performance.now() - t0,
  };
}

function expectCapacityExhausted(answer: Answer): void {
  expect(answer).toMatchObject({ status: 429, code: 'capacity_exhausted' });
  const seconds = Number(answer.retryAfter);
  expect(Number.isInteger(seconds) && seconds >= 1 && seconds <= 60).toBe(true);
}

describe('a gate with one slot and a queue of one', () => {
  it('serves one, queues one, and refuses the third with 429 and Retry-After', async () => {
    const [first, second, third] = await Promise.all([
      ask('heavy-only'),
      ask('heavy-only', 30),
      ask('heavy-only', 60),
    ]);
    expect(first).toMatchObject({ status: 200, model: 'heavy' });
    expect(second).toMatchObject({ status: 200, model: 'heavy' });
    expectCapacityExhausted(third);
    // Refused at once, not after waiting; the queued one waited for the first.
    expect(third.doneAtMs).toBeLessThan(first.doneAtMs);
    expect(second.doneAtMs).toBeGreaterThanOrEqual(2 * SLOW_MS - 20);
    expect(proxy.stats.calls).toBe(2);
    // The refusal left nothing behind: the next request goes straight through.
    const after = await ask('heavy-only');
    expect(after).toMatchObject({ status: 200, model: 'heavy' });
    expect(after.doneAtMs - second.doneAtMs).toBeLessThan(2 * SLOW_MS);
  });

  it('sends the third to the fallback target instead', async () => {
    const [first, second, third] = await Promise.all([
      ask('heavy-fallback'),
      ask('heavy-fallback', 30),
      ask('heavy-fallback', 60),
    ]);
    expect(first).toMatchObject({ status: 200, model: 'heavy' });
    expect(second).toMatchObject({ status: 200, model: 'heavy' });
    expect(third).toMatchObject({ status: 200, model: 'backup' });
    expect(third.doneAtMs).toBeLessThan(first.doneAtMs);
  });

  it('lets a high-priority newcomer evict a queued low-priority request', async () => {
    const [busy, low, high] = await Promise.all([
      ask('heavy-only'),
      ask('heavy-only', 30, 'low'),
      ask('heavy-only', 60, 'high'),
    ]);
    expect(busy).toMatchObject({ status: 200, model: 'heavy' });
    expectCapacityExhausted(low);
    expect(low.doneAtMs).toBeLessThan(busy.doneAtMs);
    expect(high).toMatchObject({ status: 200, model: 'heavy' });
  });
});

describe('the queue timeout', () => {
  it('refuses a request that waited longer than queue_timeout_ms', async () => {
    const [first, waited] = await Promise.all([ask('impatient-only'), ask('impatient-only', 30)]);
    expect(first).toMatchObject({ status: 200, model: 'impatient' });
    expectCapacityExhausted(waited);
    // Queued at ~30 ms, given up on 100 ms later, while the first still held the slot.
    expect(waited.doneAtMs).toBeGreaterThanOrEqual(120);
    expect(waited.doneAtMs).toBeLessThan(first.doneAtMs);
    expect(proxy.stats.calls).toBe(1);
  });
});

describe('priority classes', () => {
  it('serve a queued high-priority request before a low one that queued first', async () => {
    const [busy, low, high] = await Promise.all([
      ask('ranked-only'),
      ask('ranked-only', 30, 'low'),
      ask('ranked-only', 60, 'high'),
    ]);
    for (const answer of [busy, low, high]) expect(answer).toMatchObject({ status: 200, model: 'ranked' });
    expect(busy.doneAtMs).toBeLessThan(high.doneAtMs);
    expect(high.doneAtMs).toBeLessThan(low.doneAtMs);
    // One at a time: each waited for the one before it.
    expect(low.doneAtMs - busy.doneAtMs).toBeGreaterThanOrEqual(2 * SLOW_MS - 20);
    expect(proxy.stats.maxInFlight).toBe(1);
    expect(proxy.stats.calls).toBe(3);
  });

  it('leave the gateway serving normally afterwards', async () => {
    await Promise.all([ask('ranked-only'), ask('ranked-only', 10, 'low'), ask('ranked-only', 20, 'high')]);
    const started = performance.now();
    const after = await ask('ranked-only');
    expect(after).toMatchObject({ status: 200, model: 'ranked' });
    // Straight through the gate: no queue left behind.
    expect(performance.now() - started).toBeLessThan(2 * SLOW_MS);
  });
});
