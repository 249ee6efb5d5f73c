/**
 * Hedged requests over real sockets. The hedged models' provider reaches the simulator through a
 * recording proxy and forwards `x-sim-fault`, so a test can make the primary slow to its first token;
 * the fallback's provider forwards nothing, so it stays fast. The proxy records when the gateway hangs
 * up on a call before its answer is complete: that is how the loser's abort is seen.
 */

import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/app.ts';
import { loadConfigText } from '../../src/config/load.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';

const PRICED = 'context_window: 128000, pricing: { input_per_million: 0.1, output_per_million: 0.4 }';
const SLOW = 'slow_first_token; ms=2000';

const CONFIG = `
server: { log_level: silent }
providers:
  slowable: { type: openai-compatible, base_url: '\${PROXY_URL}', forward_headers: [x-sim-fault] }
  steady: { type: openai-compatible, base_url: '\${SIM_URL}' }
models:
  primary: { provider: slowable, upstream: sim-lite, ${PRICED} }
  watched: { provider: slowable, upstream: sim-lite, ${PRICED} }
  backup: { provider: steady, upstream: sim-lite, ${PRICED} }
routes:
  - { name: hedged, targets: [primary, backup], hedge: { after_ms: 100 } }
  - { name: by-quantile, targets: [watched, backup], hedge: { after_ms: 5000, quantile: 0.5 } }
circuit_breaker: { failure_threshold: 0 }
default_route: hedged
`;

/** One upstream call through the proxy. */
interface ProxiedCall {
  readonly startedAt: number;
  /** When the gateway hung up before the answer was complete; undefined otherwise. */
  abortedAt: number | undefined;
}

async function startRecordingProxy(
  upstream: string,
): Promise<{ url: string; calls: ProxiedCall[]; close: () => Promise<void> }> {
  const target = new URL(upstream);
  const calls: ProxiedCall[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const call: ProxiedCall = { startedAt: performance.now(), abortedAt: undefined };
    calls.push(call);
    const forwarded = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    outgoing.on('close', () => {
      if (!outgoing.writableFinished) call.abortedAt = performance.now();
      forwarded.destroy();
    });
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface AttemptView {
  readonly target: string;
  readonly startedAtMs: number;
  readonly outcome: string;
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
  readonly elapsedMs: number;
}

let simulator: RunningSimulator;
let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
let gateway: Gateway;
let url: string;

beforeAll(async () => {
  simulator = await startSimulator({ latency: 'zero' });
  proxy = await startRecordingProxy(simulator.url);
  const env = { SIM_URL: simulator.url, PROXY_URL: proxy.url };
  const config = await loadConfigText(CONFIG, { env, source: 'hedging.yaml' });
  gateway = await createGateway(config, pino({ level: 'silent' }));
  url = (await gateway.listen(0, '127.0.0.1')).url;
});
afterAll(async () => {
  await gateway.close();
  await proxy.close();
  await simulator.close();
});
beforeEach(() => {
  proxy.calls.length = 0;
});

async function ask(route: string, options: { stream: boolean; fault?: string }): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.fault === undefined ? {} : { 'x-sim-fault': options.fault }),
    },
    body: JSON.stringify({
      model: route,
      stream: options.stream,
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 8,
    }),
    signal: AbortSignal.timeout(5_000),
  });
  const body = await response.text();
  return { status: response.status, headers: response.headers, body, elapsedMs: performance.now() - started };
}

async function attemptsOf(answer: Answer): Promise<readonly AttemptView[]> {
  const id = answer.headers.get('x-switchyard-request-id') ?? '';
  const response = await fetch(`${url}/v1/requests/${id}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { attempts: readonly AttemptView[] }).attempts;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The request record once the losing attempt's end has been written (it ends just after the winner). */
async function settledAttempts(answer: Answer): Promise<readonly AttemptView[]> {
  for (let waited = 0; ; waited += 20) {
    const attempts = await attemptsOf(answer);
    if (attempts[0]?.outcome !== 'ok' || waited >= 500) return attempts;
    await sleep(20);
  }
}

function expectAnswered(answer: Answer, stream: boolean): void {
  expect(answer.status).toBe(200);
  if (stream) expect(answer.body).toContain('data: [DONE]');
  else expect((JSON.parse(answer.body) as { choices: unknown[] }).choices).toHaveLength(1);
}

describe.each([
  { mode: 'non-streaming', stream: false },
  { mode: 'streaming', stream: true },
])('a hedged route ($mode)', ({ stream }) => {
  it('answers from the fallback when the primary is silent past after_ms, and cancels the primary', async () => {
    const answer = await ask('hedged', { stream, fault: SLOW });
    expectAnswered(answer, stream);
    expect(answer.headers.get('x-switchyard-model')).toBe('backup');
    expect(answer.headers.get('x-switchyard-attempts')).toBe('2');
    // The hedge started at 100 ms; nobody waited for the primary's 2 s (the margin is for a loaded machine).
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(95);
    expect(answer.elapsedMs).toBeLessThan(1_800);

    const attempts = await settledAttempts(answer);
    expect(attempts.map((attempt) => [attempt.target, attempt.outcome])).toEqual([
      ['primary', 'cancelled'],
      ['backup', 'ok'],
    ]);
    const hedgeDelay = (attempts[1]?.startedAtMs ?? 0) - (attempts[0]?.startedAtMs ?? 0);
    expect(hedgeDelay).toBeGreaterThanOrEqual(95);
    expect(hedgeDelay).toBeLessThan(500);

    // The primary's upstream call was hung up on, long before its first token was due.
    expect(proxy.calls).toHaveLength(1);
    const [primaryCall] = proxy.calls;
    expect(primaryCall?.abortedAt).toBeDefined();
    expect((primaryCall?.abortedAt ?? Infinity) - (primaryCall?.startedAt ?? 0)).toBeLessThan(1_800);
  });

  it('starts no hedge when the primary answers in time', async () => {
    const answer = await ask('hedged', { stream });
    expectAnswered(answer, stream);
    expect(answer.headers.get('x-switchyard-model')).toBe('primary');
    expect(answer.headers.get('x-switchyard-attempts')).toBe('1');
    // Still one attempt once the hedge delay has long passed.
    await sleep(150);
    expect((await attemptsOf(answer)).map((attempt) => [attempt.target, attempt.outcome])).toEqual([
      ['primary', 'ok'],
    ]);
    expect(proxy.calls).toHaveLength(1);
    expect(proxy.calls[0]?.abortedAt).toBeUndefined();
  });
});

describe('a hedge by quantile', () => {
  it("starts the fallback after the primary's observed median time to first token, not after_ms", async () => {
    // The window needs 20 samples; these first tokens arrive within a few ms. Until it has them the
    // hedge waits after_ms (5 s), so none of the first 20 is hedged; later ones may be (a median hedge
    // races about half the requests).
    for (let i = 0; i < 25; i++) {
      const answer = await ask('by-quantile', { stream: true });
      expectAnswered(answer, true);
      if (i < 20) expect([i, answer.headers.get('x-switchyard-model')]).toEqual([i, 'watched']);
    }
    const answer = await ask('by-quantile', { stream: true, fault: SLOW });
    expectAnswered(answer, true);
    expect(answer.headers.get('x-switchyard-model')).toBe('backup');
    // after_ms is 5000: only the observed quantile explains an answer this fast.
    expect(answer.elapsedMs).toBeLessThan(1_000);
    const attempts = await settledAttempts(answer);
    expect(attempts.map((attempt) => [attempt.target, attempt.outcome])).toEqual([
      ['watched', 'cancelled'],
      ['backup', 'ok'],
    ]);
    expect((attempts[1]?.startedAtMs ?? 0) - (attempts[0]?.startedAtMs ?? 0)).toBeLessThan(500);
  });
});
