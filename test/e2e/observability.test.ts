/**
 * Metrics and stats over real sockets. `GET /metrics` after a mix of traffic parses with the strict
 * exposition parser and agrees with what was sent and with the request log; `GET /v1/stats` percentiles
 * agree with a known latency distribution from the simulator, measured by the client; `switchyard
 * stats` prints them as a table.
 */

import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/app.ts';
import { runStatsCommand } from '../../src/cli/stats.ts';
import { loadConfigText } from '../../src/config/load.ts';
import type { SimModelProfile } from '../../src/config/resolved.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';
import {
  histogramSeries,
  parsePrometheusText,
  type MetricFamily,
} from '../../src/telemetry/prometheus-text.ts';
import type { RequestLogRow } from '../../src/telemetry/request-log/row.ts';
import type { StatsGroup, StatsResponse } from '../../src/telemetry/stats.ts';

const model = (name: string, upstream: string, input: number, output: number): string => `
  ${name}:
    provider: upstream
    upstream: ${upstream}
    context_window: 128000
    pricing: { input_per_million: ${input}, output_per_million: ${output} }`;

const configText = (models: string, routes: string, extra = ''): string => `
server: { log_level: silent }
providers:
  upstream:
    type: openai-compatible
    base_url: '\${SIM_URL}'
    forward_headers: [x-sim-fault]
    timeouts: { connect_ms: 1000, headers_ms: 3000, body_idle_ms: 1000 }
models:${models}
routes:
${routes}
circuit_breaker: { failure_threshold: 0 }
request_log: { flush_ms: 10 }
${extra}`;

type Fields = Record<string, string>;
type Answer = Readonly<{ id: string; status: number; text: string; elapsedMs: number }>;

async function post(url: string, body: object, headers: Fields = {}): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const elapsedMs = performance.now() - started;
  return {
    id: response.headers.get('x-switchyard-request-id') ?? '',
    status: response.status,
    text,
    elapsedMs,
  };
}

const MESSAGES = [{ role: 'user', content: 'How do harbours work?' }];
const ask = (model: string, extra: object = {}): object => ({
  model,
  messages: MESSAGES,
  max_tokens: 4,
  ...extra,
});
const fault = (spec: string): Fields => ({ 'x-sim-fault': `${spec}; key=${randomUUID()}` });

async function rowOf(url: string, id: string): Promise<RequestLogRow> {
  const response = await fetch(`${url}/v1/requests/${id}`);
  expect(response.status).toBe(200);
  return (await response.json()) as RequestLogRow;
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

function samplesOf(families: Map<string, MetricFamily>, name: string): MetricFamily['samples'] {
  const family = families.get(name);
  if (family === undefined) throw new Error(`no metric family ${name}`);
  return family.samples.filter((sample) => sample.name === name);
}

/** Counts by key. */
function tally(keys: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

describe('GET /metrics after a mix of traffic', () => {
  const TENANT = 'tenant-zeta-9f3c';
  const CUSTOMER = 'customer-omega-77';
  let simulator: RunningSimulator;
  let gateway: Gateway;
  let quiet: Gateway;
  let url: string;
  const sent: { route: string; answer: Answer }[] = [];

  beforeAll(async () => {
    simulator = await startSimulator({ latency: 'zero' });
    const models = model('fast', 'sim-lite', 0.1, 0.4) + model('strong', 'sim-strong', 2.5, 10);
    const routes = '  - { name: default, targets: [fast, strong] }\n  - { name: single, targets: [fast] }';
    const env = { env: { SIM_URL: simulator.url }, source: 'metrics.yaml' };
    const on = configText(models, routes);
    gateway = await createGateway(await loadConfigText(on, env), pino({ level: 'silent' }));
    url = (await gateway.listen(0, '127.0.0.1')).url;
    const off = configText(models, routes, 'metrics: { enabled: false }');
    quiet = await createGateway(await loadConfigText(off, env), pino({ level: 'silent' }));
    await quiet.listen(0, '127.0.0.1');

    const who = { 'x-switchyard-tenant': TENANT };
    const metadata = { metadata: { customer: CUSTOMER } };
    const success: [string, object, Fields] = ['default', ask('default', metadata), who];
    const traffic: [route: string, body: object, headers: Fields][] = [
      ...Array<typeof success>(5).fill(success),
      ['default', ask('default', { stream: true }), who],
      ['default', ask('default', { stream: true, stream_options: { include_usage: true } }), who],
      ['default', ask('default'), { ...who, ...fault('server_error; times=1') }],
      ['default', ask('default'), { ...who, ...fault('server_error; times=1') }],
      ['default', ask('default'), { ...who, ...fault('server_error') }],
      [
        'default',
        ask('default', { stream: true, max_tokens: 30 }),
        { ...who, ...fault('stream_truncate; after=3') },
      ],
      ['single', ask('single'), { ...who, ...fault('server_error') }],
      ['single', ask('single'), { ...who, ...fault('server_error') }],
      ['single', ask('single'), who],
      ['none', { model: 'default', max_tokens: 4 }, who],
    ];
    for (const [route, body, headers] of traffic)
      sent.push({ route, answer: await post(url, body, headers) });
  });

  afterAll(async () => {
    await gateway?.close();
    await quiet?.close();
    await simulator?.close();
  });

  it('parses strictly and counts requests per route and status as sent, matching the request log', async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const families = parsePrometheusText(text);
    const requests = samplesOf(families, 'switchyard_requests_total');

    const byRouteStatus: Record<string, number> = {};
    for (const sample of requests) {
      const key = `${sample.labels.route} ${sample.labels.status}`;
      byRouteStatus[key] = (byRouteStatus[key] ?? 0) + sample.value;
    }
    expect(byRouteStatus).toEqual(tally(sent.map(({ route, answer }) => `${route} ${answer.status}`)));
    expect(byRouteStatus).toEqual({
      'default 200': 10,
      'default 502': 1,
      'single 502': 2,
      'single 200': 1,
      'none 400': 1,
    });

    const rows = await Promise.all(sent.map(({ answer }) => rowOf(url, answer.id)));
    const fromRows = tally(
      rows.map((row) =>
        [
          row.route ?? 'none',
          row.servedModel ?? 'none',
          row.provider ?? 'none',
          row.status,
          row.outcome,
        ].join(' '),
      ),
    );
    const fromMetrics: Record<string, number> = {};
    for (const { labels, value } of requests) {
      fromMetrics[[labels.route, labels.model, labels.provider, labels.status, labels.outcome].join(' ')] =
        value;
    }
    expect(fromMetrics).toEqual(fromRows);
    expect(fromMetrics['default strong upstream 200 ok']).toBe(2);
    expect(fromMetrics['default fast upstream 200 stream_truncated']).toBe(1);
    expect(fromMetrics['none none none 400 invalid_request']).toBe(1);
  });

  it('totals cost as the request log does, and one operation duration per upstream attempt', async () => {
    const families = parsePrometheusText(await (await fetch(`${url}/metrics`)).text());
    const rows = await Promise.all(sent.map(({ answer }) => rowOf(url, answer.id)));

    const cost = sum(samplesOf(families, 'switchyard_cost_usd_total').map((sample) => sample.value));
    const rowCost = sum(rows.map((row) => row.costUsd));
    expect(rowCost).toBeGreaterThan(0);
    expect(Math.abs(cost - rowCost)).toBeLessThan(1e-12);

    const attempts = sum(rows.map((row) => row.attempts.length));
    // 7 successes, 2 fallbacks (2 each), 1 failing everywhere (2), 1 cut stream, 3 on `single`, none for bad input.
    expect(attempts).toBe(7 + 2 * 2 + 2 + 1 + 3);
    const durations = histogramSeries(families.get('gen_ai_client_operation_duration_seconds')!);
    expect(sum(durations.map((series) => series.count))).toBe(attempts);
    expect(sum(samplesOf(families, 'switchyard_attempts_total').map((sample) => sample.value))).toBe(
      attempts,
    );
    // Failed attempts carry their error type; the rest none.
    const failed = rows.flatMap((row) => row.attempts).filter((attempt) => attempt.outcome !== 'ok').length;
    expect(
      sum(durations.filter((series) => series.labels.error_type !== undefined).map((s) => s.count)),
    ).toBe(failed);

    // One overhead observation per request; one decision per routed request; TTFT for the streams.
    const overhead = histogramSeries(families.get('switchyard_overhead_seconds')!);
    expect(sum(overhead.map((series) => series.count))).toBe(sent.length);
    const decisions = histogramSeries(families.get('switchyard_routing_decision_seconds')!);
    expect(sum(decisions.map((series) => series.count))).toBe(sent.length - 1);
    const ttft = histogramSeries(families.get('gen_ai_server_time_to_first_token_seconds')!);
    expect(sum(ttft.map((series) => series.count))).toBe(3);
    expect(sum(samplesOf(families, 'switchyard_fallbacks_total').map((sample) => sample.value))).toBe(2);
  });

  it('never puts the tenant, metadata or other client text in a label', async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const family of parsePrometheusText(text).values()) {
      for (const sample of family.samples) {
        for (const value of Object.values(sample.labels)) {
          expect(value).not.toContain(TENANT);
          expect(value).not.toContain(CUSTOMER);
        }
      }
    }
    expect(text).not.toContain(TENANT);
    expect(text).not.toContain(CUSTOMER);
  });

  it('is not served with metrics disabled: 404', async () => {
    const address = quiet.server.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(404);
  });
});

describe('GET /v1/stats against a known latency distribution', () => {
  // A small hosted model's first token: median 40 ms, p95 120 ms; tokens arrive at once after it.
  const PROFILE: SimModelProfile = {
    ttftMs: { median: 40, p95: 120 },
    tokensPerSecond: 20_000,
    contextWindow: 128_000,
    faults: [],
  };
  const PRICE = { input: 0.5, output: 1.5 };
  const SUCCESSES = 150;
  const FAILURES = 10;
  const FALLBACKS = FAILURES;
  const CLIENTS = 8;
  let simulator: RunningSimulator;
  let gateway: Gateway;
  let url: string;
  const served: Answer[] = [];
  const all: Answer[] = [];

  beforeAll(async () => {
    simulator = await startSimulator({ latency: 'realistic', seed: 7, profiles: { 'stats-model': PROFILE } });
    const models = ['steady', 'flaky', 'backup', 'warm'].map((name) =>
      model(name, 'stats-model', PRICE.input, PRICE.output),
    );
    const routes = [
      '  - { name: main, targets: [steady] }',
      '  - { name: chain, targets: [flaky, backup] }',
      '  - { name: warmup, targets: [warm] }',
    ].join('\n');
    const config = await loadConfigText(configText(models.join(''), routes), {
      env: { SIM_URL: simulator.url },
      source: 'stats.yaml',
    });
    gateway = await createGateway(config, pino({ level: 'silent' }));
    url = (await gateway.listen(0, '127.0.0.1')).url;

    // The failures and fallbacks spread evenly among the successes.
    const jobs: (() => Promise<void>)[] = [];
    for (let i = 0; i < SUCCESSES; i++) {
      jobs.push(async () => void served.push(await post(url, ask('main'))));
      if (i % (SUCCESSES / FAILURES) === 7) {
        jobs.push(async () => void all.push(await post(url, ask('main'), fault('server_error'))));
        jobs.push(async () => void all.push(await post(url, ask('chain'), fault('server_error; times=1'))));
      }
    }
    // Modest concurrency: eight clients, their connections opened (and the code warmed) beforehand.
    await Promise.all(Array.from({ length: CLIENTS }, () => post(url, ask('warmup'))));
    const queue = [...jobs];
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let job = queue.shift(); job !== undefined; job = queue.shift()) await job();
      }),
    );
    all.push(...served);
    // Rows reach the store within flush_ms.
    const deadline = Date.now() + 3_000;
    while ((await stats('none')).total.count < all.length + CLIENTS && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }, 30_000);

  afterAll(async () => {
    await gateway?.close();
    await simulator?.close();
  });

  async function stats(groupBy: string): Promise<StatsResponse> {
    const response = await fetch(`${url}/v1/stats?window=5m&group_by=${groupBy}`);
    expect(response.status).toBe(200);
    return (await response.json()) as StatsResponse;
  }

  function group(result: StatsResponse, key: string): StatsGroup {
    const found = result.groups.find((candidate) => candidate.key === key);
    if (found === undefined)
      throw new Error(`no group ${key} in ${result.groups.map((g) => g.key).join(', ')}`);
    return found;
  }

  /** Nearest-rank percentile, the definition HDR histograms use. */
  function percentile(values: readonly number[], p: number): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  }

  it('gives p50/p95 latency per model that match the client-measured distribution', async () => {
    expect(served.every((answer) => answer.status === 200)).toBe(true);
    const steady = group(await stats('model'), 'steady');
    expect(steady.count).toBe(SUCCESSES);
    const rows = await Promise.all(served.map((answer) => rowOf(url, answer.id)));
    const gatewayTotals = rows.map((row) => row.latency.totalMs);
    const clientTotals = served.map((answer) => answer.elapsedMs);
    for (const p of [50, 95] as const) {
      const reported = steady.latencyMs?.[`p${p}`] ?? NaN;
      // Against the rows' own totals: HDR's precision (0.1%), then rounding to 3 significant digits.
      const exact = percentile(gatewayTotals, p);
      const tolerance = exact * 0.001 + 0.5 * 10 ** (Math.floor(Math.log10(exact)) - 2) + 1e-9;
      expect(Math.abs(reported - exact), `p${p}: ${reported} vs rows ${exact}`).toBeLessThanOrEqual(
        tolerance,
      );
      // Against what the clients measured: a gateway total is shorter than the client's (its own parsing,
      // the sockets, the client's event loop shared with the simulator and the gateway — which on a loaded
      // machine adds up to a fifth).
      const client = percentile(clientTotals, p);
      expect(reported, `p${p} vs client ${client}`).toBeLessThanOrEqual(client + 0.5);
      expect(reported, `p${p} vs client ${client}`).toBeGreaterThanOrEqual(client - 5 - client * 0.25);
    }
    // The distribution the simulator was given (sampled 150 times, plus the gateway's few ms).
    expect(steady.latencyMs?.p50).toBeGreaterThan(30);
    expect(steady.latencyMs?.p50).toBeLessThan(60);
    expect(steady.latencyMs?.p95).toBeGreaterThan(80);
    expect(steady.latencyMs?.p95).toBeLessThan(200);
    expect(steady.latencyMs!.p95).toBeGreaterThan(steady.latencyMs!.p50);
  });

  it('gives counts, error and fallback rates, and cost per successful request', async () => {
    const byRoute = await stats('route');
    const main = group(byRoute, 'main');
    const chain = group(byRoute, 'chain');
    expect(main).toMatchObject({ count: SUCCESSES + FAILURES, errors: FAILURES, fallbackRate: 0 });
    expect(main.errorRate).toBeCloseTo(FAILURES / (SUCCESSES + FAILURES), 6);
    expect(chain).toMatchObject({ count: FALLBACKS, errors: 0, errorRate: 0, fallbackRate: 1 });
    expect(byRoute.total).toMatchObject({ count: all.length + CLIENTS, errors: FAILURES });
    expect(byRoute.total.fallbackRate).toBeCloseTo(FALLBACKS / (all.length + CLIENTS), 6);
    expect(group(byRoute, 'warmup').count).toBe(CLIENTS);

    // Cost per success = the route's cost (failed attempts included) / its successes.
    const usage = served.map(
      (answer) => JSON.parse(answer.text) as { usage: { prompt_tokens: number; completion_tokens: number } },
    );
    const mainCost = sum(
      usage.map(({ usage: u }) => (u.prompt_tokens * PRICE.input + u.completion_tokens * PRICE.output) / 1e6),
    );
    expect(main.costUsd).toBeCloseTo(mainCost, 8);
    expect(main.costPerSuccessUsd).toBeCloseTo(main.costUsd / SUCCESSES, 9);
    expect(main.inputTokens).toBe(sum(usage.map(({ usage: u }) => u.prompt_tokens)));
    expect(main.outputTokens).toBe(sum(usage.map(({ usage: u }) => u.completion_tokens)));
    expect(chain.costPerSuccessUsd).toBeCloseTo(chain.costUsd / FALLBACKS, 9);

    const byModel = await stats('model');
    expect(group(byModel, '(none)')).toMatchObject({
      count: FAILURES,
      errorRate: 1,
      costPerSuccessUsd: null,
    });
    expect(group(byModel, 'backup')).toMatchObject({ count: FALLBACKS, fallbackRate: 1 });
  });

  it('prints the table with `switchyard stats --group-by route`', async () => {
    let stdout = '';
    let stderr = '';
    const code = await runStatsCommand(['--url', url, '--window', '5m', '--group-by', 'route'], {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      env: {},
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('Requests in the last 5m');
    expect(stdout).toMatch(/^ROUTE\s+REQUESTS\s+ERRORS\s+FALLBACK\s+P50 ms/m);
    expect(stdout).toMatch(new RegExp(`^main\\s+${SUCCESSES + FAILURES}\\s+6\\.25%\\s+0\\.00%`, 'm'));
    expect(stdout).toMatch(new RegExp(`^chain\\s+${FALLBACKS}\\s+0\\.00%\\s+100\\.00%`, 'm'));
    expect(stdout).toMatch(new RegExp(`^warmup\\s+${CLIENTS}\\s`, 'm'));
    expect(stdout).toMatch(new RegExp(`^\\(total\\)\\s+${all.length + CLIENTS}\\s`, 'm'));
  });
});
