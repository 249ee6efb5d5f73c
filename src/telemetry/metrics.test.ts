import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { CircuitState } from '../executor/circuit-breaker.ts';
import type { TelemetryEvent } from './events.ts';
import { EVENTS, FREE_TEXT_MODEL, attempt, decision } from './metrics.fixture.ts';
import {
  DECISION_BUCKETS,
  OPERATION_DURATION_BUCKETS,
  OVERHEAD_BUCKETS,
  TIME_PER_OUTPUT_TOKEN_BUCKETS,
  TIME_TO_FIRST_TOKEN_BUCKETS,
  TOKEN_USAGE_BUCKETS,
  createMetrics,
} from './metrics.ts';
import { histogramSeries, parsePrometheusText, type MetricFamily } from './prometheus-text.ts';

interface Fixture {
  families: Map<string, MetricFamily>;
  text: string;
}

async function scrape(
  events: readonly TelemetryEvent[] = EVENTS,
  circuits: { deployment: string; state: CircuitState }[] = [],
  gates: { deployment: string; queued: number; inFlight: number }[] = [],
): Promise<Fixture & { metrics: ReturnType<typeof createMetrics> }> {
  const metrics = createMetrics({ circuits: () => circuits, gates: () => gates });
  for (const event of events) metrics.subscriber(event);
  const text = await metrics.render();
  return { metrics, text, families: parsePrometheusText(text) };
}

function family(families: Map<string, MetricFamily>, name: string): MetricFamily {
  const found = families.get(name);
  if (found === undefined) throw new Error(`no family ${name}`);
  return found;
}

/** Sample values by their labels, written `k=v,k=v` in label-name order. */
function values(found: MetricFamily, sampleName = found.name): Record<string, number> {
  const result: Record<string, number> = {};
  for (const sample of found.samples.filter((candidate) => candidate.name === sampleName)) {
    const key = Object.entries(sample.labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => `${name}=${value}`)
      .join(',');
    result[key] = sample.value;
  }
  return result;
}

const GEN_AI = ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model'];
const OURS: Readonly<Record<string, readonly [type: string, labels: readonly string[]]>> = {
  gen_ai_client_operation_duration_seconds: ['histogram', [...GEN_AI, 'gen_ai_response_model', 'error_type']],
  gen_ai_client_token_usage: ['histogram', [...GEN_AI, 'gen_ai_response_model', 'gen_ai_token_type']],
  gen_ai_server_time_to_first_token_seconds: ['histogram', [...GEN_AI, 'route']],
  gen_ai_server_time_per_output_token_seconds: ['histogram', [...GEN_AI, 'route']],
  switchyard_requests_total: ['counter', ['route', 'model', 'provider', 'status', 'outcome']],
  switchyard_attempts_total: ['counter', ['model', 'provider', 'outcome']],
  switchyard_retries_total: ['counter', ['route']],
  switchyard_fallbacks_total: ['counter', ['route']],
  switchyard_cost_usd_total: ['counter', ['route', 'model', 'provider']],
  switchyard_routing_decision_seconds: ['histogram', []],
  switchyard_overhead_seconds: ['histogram', []],
  switchyard_request_log_dropped_total: ['counter', []],
  switchyard_circuit_state: ['gauge', ['deployment', 'state']],
  switchyard_gate_queue_depth: ['gauge', ['deployment']],
  switchyard_gate_in_flight: ['gauge', ['deployment']],
};

describe('Prometheus metrics', () => {
  it('expose every family with HELP and TYPE, and only the labels it declares', async () => {
    const { families } = await scrape();
    for (const [name, [type, labels]] of Object.entries(OURS)) {
      const found = family(families, name);
      expect(found.type, name).toBe(type);
      expect(found.help?.length, name).toBeGreaterThan(10);
      for (const sample of found.samples) {
        for (const label of Object.keys(sample.labels)) {
          if (label !== 'le') expect(labels, `${name} has ${label}`).toContain(label);
        }
      }
    }
    for (const found of families.values()) if (found.type === 'histogram') histogramSeries(found);
  });

  it('never label by tenant or by what the client typed', async () => {
    const { text, families } = await scrape();
    for (const found of families.values()) {
      for (const sample of found.samples) {
        expect(Object.keys(sample.labels)).not.toContain('tenant');
        for (const value of Object.values(sample.labels)) {
          expect(value).not.toContain('acme');
          expect(value).not.toBe(FREE_TEXT_MODEL);
        }
      }
    }
    expect(text).not.toContain('tenant');
  });

  it('count requests by route, serving model, provider, status and outcome; retries and fallbacks by route', async () => {
    const { families } = await scrape();
    expect(values(family(families, 'switchyard_requests_total'))).toEqual({
      'model=gpt-4o,outcome=ok,provider=openai,route=chat,status=200': 2,
      'model=llama,outcome=ok,provider=groq,route=fast,status=200': 1,
      'model=none,outcome=upstream_timeout,provider=none,route=chat,status=504': 1,
      'model=none,outcome=invalid_request,provider=none,route=none,status=400': 1,
    });
    expect(values(family(families, 'switchyard_retries_total'))).toEqual({
      'route=chat': 3,
      'route=fast': 0,
      'route=none': 0,
    });
    expect(values(family(families, 'switchyard_fallbacks_total'))).toEqual({
      'route=chat': 1,
      'route=fast': 0,
      'route=none': 0,
    });
    expect(values(family(families, 'switchyard_attempts_total'))).toEqual({
      'model=gpt-4o,outcome=ok,provider=openai': 2,
      'model=gpt-4o,outcome=upstream_timeout,provider=openai': 1,
      'model=claude,outcome=stream_truncated,provider=anthropic': 1,
      'model=claude,outcome=upstream_overloaded,provider=anthropic': 1,
      'model=claude,outcome=circuit_open,provider=anthropic': 1,
      'model=llama,outcome=ok,provider=groq': 1,
    });
  });

  it("attribute cost to each attempt's own model, the failed one included", async () => {
    const { families } = await scrape();
    const cost = values(family(families, 'switchyard_cost_usd_total'));
    expect(Object.keys(cost).sort()).toEqual([
      'model=claude,provider=anthropic,route=chat',
      'model=gpt-4o,provider=openai,route=chat',
      'model=llama,provider=groq,route=fast',
    ]);
    expect(cost['model=claude,provider=anthropic,route=chat']).toBeCloseTo(0.0004, 12);
    expect(cost['model=gpt-4o,provider=openai,route=chat']).toBeCloseTo(0.003, 12);
    expect(cost['model=llama,provider=groq,route=fast']).toBeCloseTo(0.00001, 12);
  });

  it('record GenAI operation durations per upstream attempt, error_type only on failures', async () => {
    const { families } = await scrape();
    const duration = family(families, 'gen_ai_client_operation_duration_seconds');
    const series = histogramSeries(duration);
    const counts = Object.fromEntries(
      series.map((entry) => [
        `${entry.labels.gen_ai_request_model}|${entry.labels.gen_ai_response_model}|${entry.labels.error_type ?? '-'}`,
        entry.count,
      ]),
    );
    expect(counts).toEqual({
      'gpt-4o|gpt-4o-upstream|-': 2,
      'claude|none|stream_truncated': 1,
      'claude|none|upstream_overloaded': 1,
      'gpt-4o|none|upstream_timeout': 1,
      'llama|llama3-8b|-': 1,
    });
    for (const entry of series) {
      expect(entry.labels.gen_ai_operation_name).toBe('chat');
      expect(entry.buckets.map((bucket) => bucket.le)).toEqual([...OPERATION_DURATION_BUCKETS, Infinity]);
    }
    const success = series.find(
      (entry) => entry.labels.gen_ai_request_model === 'gpt-4o' && entry.labels.error_type === undefined,
    );
    expect(success?.labels.gen_ai_provider_name).toBe('openai');
    expect(success?.sum).toBeCloseTo(2.3, 9);
    // 0.8 s falls at le=1.28, 1.5 s at le=2.56.
    expect(success?.buckets.find((bucket) => bucket.le === 0.64)?.count).toBe(0);
    expect(success?.buckets.find((bucket) => bucket.le === 1.28)?.count).toBe(1);
    expect(success?.buckets.find((bucket) => bucket.le === 2.56)?.count).toBe(2);
  });

  it('record token usage per attempt and token type, with the semconv buckets', async () => {
    const { families } = await scrape();
    const series = histogramSeries(family(families, 'gen_ai_client_token_usage'));
    const sums = Object.fromEntries(
      series.map((entry) => [
        `${entry.labels.gen_ai_request_model}|${entry.labels.gen_ai_response_model}|${entry.labels.gen_ai_token_type}`,
        [entry.count, entry.sum],
      ]),
    );
    expect(sums).toEqual({
      'gpt-4o|gpt-4o-upstream|input': [2, 300],
      'gpt-4o|gpt-4o-upstream|output': [2, 130],
      'claude|none|input': [1, 200],
      'claude|none|output': [1, 10],
      'llama|llama3-8b|input': [1, 30],
      'llama|llama3-8b|output': [1, 201],
    });
    expect(series[0]?.buckets.map((bucket) => bucket.le)).toEqual([...TOKEN_USAGE_BUCKETS, Infinity]);
  });

  it('record time to first token and time per output token for the stream', async () => {
    const { families } = await scrape();
    const [ttft, ...moreTtft] = histogramSeries(
      family(families, 'gen_ai_server_time_to_first_token_seconds'),
    );
    expect(moreTtft).toEqual([]);
    expect(ttft?.labels).toEqual({
      gen_ai_operation_name: 'chat',
      gen_ai_provider_name: 'groq',
      gen_ai_request_model: 'llama',
      route: 'fast',
    });
    expect(ttft?.count).toBe(1);
    expect(ttft?.sum).toBeCloseTo(0.12, 9);
    expect(ttft?.buckets.map((bucket) => bucket.le)).toEqual([...TIME_TO_FIRST_TOKEN_BUCKETS, Infinity]);
    const [tpot, ...moreTpot] = histogramSeries(
      family(families, 'gen_ai_server_time_per_output_token_seconds'),
    );
    expect(moreTpot).toEqual([]);
    expect(tpot?.labels).toEqual(ttft?.labels);
    expect(tpot?.sum).toBeCloseTo(0.005, 9);
    expect(tpot?.buckets.map((bucket) => bucket.le)).toEqual([...TIME_PER_OUTPUT_TOKEN_BUCKETS, Infinity]);
    expect(tpot?.buckets[0]).toEqual({ le: 0.01, count: 1 });
  });

  it('record routing-decision latency and the gateway overhead', async () => {
    const { families } = await scrape();
    const [decisions] = histogramSeries(family(families, 'switchyard_routing_decision_seconds'));
    expect(decisions?.count).toBe(4);
    expect(decisions?.sum).toBeCloseTo(0.00032, 12);
    expect(decisions?.buckets.map((bucket) => bucket.le)).toEqual([...DECISION_BUCKETS, Infinity]);
    expect(decisions?.buckets.find((bucket) => bucket.le === 0.00005)?.count).toBe(0);
    expect(decisions?.buckets.find((bucket) => bucket.le === 0.0001)?.count).toBe(4);
    const [overhead] = histogramSeries(family(families, 'switchyard_overhead_seconds'));
    expect(overhead?.count).toBe(5);
    expect(overhead?.sum).toBeCloseTo((1.8 * 4 + 0.4) / 1000, 12);
    expect(overhead?.buckets.map((bucket) => bucket.le)).toEqual([...OVERHEAD_BUCKETS, Infinity]);
  });

  it('read circuit states and gate loads at each scrape', async () => {
    const circuits: { deployment: string; state: CircuitState }[] = [
      { deployment: 'openai/gpt-4o', state: 'closed' },
      { deployment: 'anthropic/claude', state: 'open' },
    ];
    const gates = [{ deployment: 'openai/gpt-4o', queued: 3, inFlight: 8 }];
    const { metrics, families } = await scrape([], circuits, gates);
    expect(values(family(families, 'switchyard_circuit_state'))).toEqual({
      'deployment=openai/gpt-4o,state=closed': 1,
      'deployment=openai/gpt-4o,state=open': 0,
      'deployment=openai/gpt-4o,state=half-open': 0,
      'deployment=anthropic/claude,state=closed': 0,
      'deployment=anthropic/claude,state=open': 1,
      'deployment=anthropic/claude,state=half-open': 0,
    });
    expect(values(family(families, 'switchyard_gate_queue_depth'))).toEqual({
      'deployment=openai/gpt-4o': 3,
    });
    expect(values(family(families, 'switchyard_gate_in_flight'))).toEqual({ 'deployment=openai/gpt-4o': 8 });

    circuits.splice(0, 2, { deployment: 'anthropic/claude', state: 'half-open' });
    gates.splice(0, 1, { deployment: 'openai/gpt-4o', queued: 0, inFlight: 2 });
    const again = parsePrometheusText(await metrics.render());
    expect(values(family(again, 'switchyard_circuit_state'))).toEqual({
      'deployment=anthropic/claude,state=closed': 0,
      'deployment=anthropic/claude,state=open': 0,
      'deployment=anthropic/claude,state=half-open': 1,
    });
    expect(values(family(again, 'switchyard_gate_queue_depth'))).toEqual({ 'deployment=openai/gpt-4o': 0 });
    expect(values(family(again, 'switchyard_gate_in_flight'))).toEqual({ 'deployment=openai/gpt-4o': 2 });
  });

  it('count request-log drops, and keep everything in a private registry with process metrics', async () => {
    const { metrics } = await scrape([]);
    metrics.requestLogDropped(3);
    metrics.requestLogDropped(0);
    const families = parsePrometheusText(await metrics.render());
    expect(values(family(families, 'switchyard_request_log_dropped_total'))).toEqual({ '': 3 });
    expect(families.has('process_cpu_user_seconds_total')).toBe(true);
    expect(families.has('nodejs_heap_size_used_bytes')).toBe(true);
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(globalRegistry.getSingleMetric('switchyard_requests_total')).toBeUndefined();
    // prom-client's JSON view reads the cell-backed histograms too.
    const json = await metrics.registry.getMetricsAsJSON();
    const overhead = json.find((metric) => metric.name === 'switchyard_overhead_seconds');
    expect(overhead?.values.find((value) => value.labels.le === '+Inf')?.value).toBe(0);
    const bare = createMetrics({ processMetrics: false });
    const bareFamilies = parsePrometheusText(await bare.render());
    expect([...bareFamilies.keys()].filter((name) => !(name in OURS))).toEqual([]);
  });

  it('ignore values that are not finite instead of throwing on the request path', async () => {
    const broken: TelemetryEvent[] = [
      { type: 'decision', requestId: 'x', decision: decision('chat', []), decisionMs: Number.NaN },
      { type: 'first-token', requestId: 'x', route: 'chat', model: 'm', provider: 'p', ttftMs: -1 },
      {
        type: 'attempt-end',
        requestId: 'x',
        route: 'chat',
        attempt: attempt('m', 'p', Infinity, 'ok', { costUsd: Number.NaN }),
      },
    ];
    const { families } = await scrape(broken);
    expect(histogramSeries(family(families, 'switchyard_routing_decision_seconds'))[0]?.count).toBe(0);
    expect(family(families, 'gen_ai_server_time_to_first_token_seconds').samples).toEqual([]);
    expect(family(families, 'gen_ai_client_operation_duration_seconds').samples).toEqual([]);
  });
});

describe.runIf(process.env.METRICS_BENCH !== undefined)('metrics subscriber cost', () => {
  it('measures events per second', () => {
    const metrics = createMetrics({ processMetrics: false });
    const idOf = (event: TelemetryEvent): string =>
      event.type === 'request-end' ? event.row.id : event.requestId;
    // The success, the retry-and-fallback and the stream: 1–3 attempts each.
    const requests = ['r1', 'r2', 'r3'].map((id) => EVENTS.filter((event) => idOf(event) === id));
    const ends = requests.map((events) => events.filter((event) => event.type === 'request-end'));
    const run = (batches: readonly (readonly TelemetryEvent[])[], rounds: number): number => {
      const started = performance.now();
      for (let round = 0; round < rounds; round++) {
        for (const events of batches) for (const event of events) metrics.subscriber(event);
      }
      return performance.now() - started;
    };
    run(requests, 20_000);
    const rounds = 100_000;
    const allMs = run(requests, rounds);
    const eventCount = requests.reduce((sum, events) => sum + events.length, 0) * rounds;
    const endMs = run(ends, rounds);
    console.log(
      `metrics subscriber: ${((eventCount / allMs) * 1000).toFixed(0)} events/s; ` +
        `${((allMs * 1000) / (rounds * requests.length)).toFixed(2)} µs per request (all its events); ` +
        `${((endMs * 1000) / (rounds * ends.length)).toFixed(2)} µs per request-end`,
    );
  });
});
