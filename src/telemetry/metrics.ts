/**
 * Prometheus metrics, fed by the typed telemetry events (a `TelemetrySubscriber`) and served by
 * `GET /metrics`. Names follow the OpenTelemetry GenAI semantic conventions where one exists
 * (semantic-conventions v1.37.0, the first with `gen_ai.provider.name`; unchanged for these metrics
 * through v1.40.0), translated by the OTel→Prometheus rules: dots become underscores, unit `s` becomes
 * the suffix `_seconds`, the annotation unit `{token}` adds none. The rest are `switchyard_*`.
 *
 * Label values come from the config (routes, model ids, provider ids, deployments) or from closed sets
 * (error codes, HTTP statuses), never from free client text, so cardinality stays bounded; the tenant
 * and the requested model name are client-supplied and are never labels. A missing value is `none`.
 *
 * The subscriber runs synchronously for every event (~10k requests/s), so each series is created once
 * and found again through a trie of its label values; histogram series are plain arrays of counts and
 * counter increments are summed in plain numbers until the scrape. A request costs about 1 µs in all.
 * A private registry holds everything (never prom-client's global one).
 */

import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { AttemptRecord } from '../executor/attempt.ts';
import type { CircuitState } from '../executor/circuit-breaker.ts';
import type { AttemptEndEvent, FirstTokenEvent, RequestEndEvent, TelemetrySubscriber } from './events.ts';
import { CellHistogram, tallied } from './metric-series.ts';

export interface MetricsOptions {
  /** Circuit breakers' current states, read at each scrape. */
  readonly circuits?: () => readonly { readonly deployment: string; readonly state: CircuitState }[];
  /** Gates' queues and in-flight calls, read at each scrape. */
  readonly gates?: () => readonly {
    readonly deployment: string;
    readonly queued: number;
    readonly inFlight: number;
  }[];
  /** prom-client's process and Node.js metrics (`process_*`, `nodejs_*`) in the same registry; default on. */
  readonly processMetrics?: boolean;
}

export interface Metrics {
  readonly registry: Registry;
  readonly subscriber: TelemetrySubscriber;
  /** Counts request-log rows lost to a full write queue. */
  requestLogDropped(count: number): void;
  /** The Content-Type of `render()`'s text. */
  readonly contentType: string;
  /** The text exposition of every metric. */
  render(): Promise<string>;
}

/** The value of a label that is unknown or absent. */
export const NONE = 'none';
/** Every upstream call the gateway makes is a chat completion (OpenAI or Anthropic protocol). */
const OPERATION = 'chat';
const CIRCUIT_STATES: readonly CircuitState[] = ['closed', 'open', 'half-open'];

/** gen_ai.client.operation.duration, gen_ai.server.request.duration (semconv advice). */
export const OPERATION_DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
/** gen_ai.client.token.usage (semconv advice). */
export const TOKEN_USAGE_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
/** gen_ai.server.time_to_first_token (semconv advice). */
export const TIME_TO_FIRST_TOKEN_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];
/** gen_ai.server.time_per_output_token (semconv advice). */
export const TIME_PER_OUTPUT_TOKEN_BUCKETS = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5,
];
/** Routing decisions: 10 µs – 50 ms. */
export const DECISION_BUCKETS = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
];
/** The gateway's own overhead per request: 0.1 ms – 100 ms. */
export const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

const seconds = (ms: number): number => ms / 1000;
const valid = (value: number | null | undefined): value is number =>
  value !== null && value !== undefined && Number.isFinite(value) && value >= 0;
const orNone = (value: string | null | undefined): string =>
  value === null || value === undefined || value === '' ? NONE : value;

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const histogram = <N extends string>(name: string, help: string, labels: readonly N[], buckets: number[]) =>
    new CellHistogram({ name, help, labelNames: labels, buckets, registers });

  const genAi = ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model'] as const;
  const attemptGenAi = [...genAi, 'gen_ai_response_model'] as const;
  const servedGenAi = [...genAi, 'route'] as const;
  const operationDuration = histogram(
    'gen_ai_client_operation_duration_seconds',
    'GenAI operation duration: one upstream call, from its start to its last byte (gate queueing excluded).',
    [...attemptGenAi, 'error_type'],
    OPERATION_DURATION_BUCKETS,
  );
  const tokenUsage = histogram(
    'gen_ai_client_token_usage',
    'Number of input and output tokens used, per upstream attempt that reported (or estimated) usage.',
    [...attemptGenAi, 'gen_ai_token_type'],
    TOKEN_USAGE_BUCKETS,
  );
  const timeToFirstToken = histogram(
    'gen_ai_server_time_to_first_token_seconds',
    'Time to first token: from the request reaching the gateway to the first output sent to the client.',
    servedGenAi,
    TIME_TO_FIRST_TOKEN_BUCKETS,
  );
  const timePerOutputToken = histogram(
    'gen_ai_server_time_per_output_token_seconds',
    'Time per output token after the first, for successful streamed requests with over one output token.',
    servedGenAi,
    TIME_PER_OUTPUT_TOKEN_BUCKETS,
  );
  const decisionCell = histogram(
    'switchyard_routing_decision_seconds',
    'Routing decision time: signals, rules, filters and fitting.',
    [],
    DECISION_BUCKETS,
  ).cell({});
  const overheadCell = histogram(
    'switchyard_overhead_seconds',
    'Time the gateway itself added to a request: total minus upstream, queue and retry waits.',
    [],
    OVERHEAD_BUCKETS,
  ).cell({});
  const requestsOf = tallied(
    registers,
    'switchyard_requests_total',
    'Requests completed, by route, serving model and provider, HTTP status and outcome (ok or error code).',
    ['route', 'model', 'provider', 'status', 'outcome'],
  );
  const attemptsOf = tallied(
    registers,
    'switchyard_attempts_total',
    'Upstream attempts ended, by model, provider and outcome (ok, cancelled or error code).',
    ['model', 'provider', 'outcome'],
  );
  const retriesOf = tallied(registers, 'switchyard_retries_total', 'Attempts beyond the first, by route.', [
    'route',
  ]);
  const fallbacksOf = tallied(
    registers,
    'switchyard_fallbacks_total',
    "Requests served by a target other than the plan's first, by route.",
    ['route'],
  );
  const costOf = tallied(
    registers,
    'switchyard_cost_usd_total',
    'Cost in USD of every attempt, failed ones included, each charged to the model and provider it called.',
    ['route', 'model', 'provider'],
  );
  const requestLogDropped = new Counter({
    name: 'switchyard_request_log_dropped_total',
    help: 'Request-log rows dropped because the write queue was full.',
    registers,
  });

  const { circuits, gates } = options;
  new Gauge({
    name: 'switchyard_circuit_state',
    help: 'Circuit breaker state per deployment: 1 for the current state, 0 for the others.',
    labelNames: ['deployment', 'state'],
    registers,
    collect() {
      this.reset();
      for (const circuit of circuits?.() ?? []) {
        for (const state of CIRCUIT_STATES) {
          this.set({ deployment: circuit.deployment, state }, circuit.state === state ? 1 : 0);
        }
      }
    },
  });
  const gateGauge = (name: string, help: string, field: 'queued' | 'inFlight'): void => {
    new Gauge({
      name,
      help,
      labelNames: ['deployment'],
      registers,
      collect() {
        this.reset();
        for (const gate of gates?.() ?? []) this.set({ deployment: gate.deployment }, gate[field]);
      },
    });
  };
  gateGauge('switchyard_gate_queue_depth', "Requests waiting at a deployment's concurrency gate.", 'queued');
  gateGauge(
    'switchyard_gate_in_flight',
    "Calls holding a slot of a deployment's concurrency gate.",
    'inFlight',
  );

  /** `provider/upstream` → the upstream model name the deployment calls (cached: deployments are config). */
  const upstreamNames = new Map<string, string>();
  const upstreamModel = (deployment: string): string => {
    let name = upstreamNames.get(deployment);
    if (name === undefined) {
      name = orNone(deployment.slice(deployment.indexOf('/') + 1));
      upstreamNames.set(deployment, name);
    }
    return name;
  };
  const durationOf = operationDuration.series();
  const tokensOf = tokenUsage.series();
  const ttftOf = timeToFirstToken.series();
  const tpotOf = timePerOutputToken.series();

  function attemptEnded({ attempt }: AttemptEndEvent): void {
    const model = orNone(attempt.target);
    const provider = orNone(attempt.provider);
    attemptsOf(model, provider, attempt.outcome).pending += 1;
    // Turned away before any deployment was approached (all circuits open…): no upstream operation.
    if (attempt.deployment === '' || attempt.outcome === 'pending') return;
    const ok = attempt.outcome === 'ok';
    const responseModel = ok ? upstreamModel(attempt.deployment) : NONE;
    // The upstream call itself: the wait for a deployment (its gate's queue) is the gateway's.
    const callMs = attempt.durationMs - (valid(attempt.queueMs) ? attempt.queueMs : 0);
    if (Number.isFinite(callMs)) {
      durationOf(OPERATION, provider, model, responseModel, ok ? undefined : attempt.outcome).observe(
        seconds(Math.max(0, callMs)),
      );
    }
    const usage = attempt.usage;
    if (usage === undefined) return;
    if (valid(usage.inputTokens))
      tokensOf(OPERATION, provider, model, responseModel, 'input').observe(usage.inputTokens);
    if (valid(usage.outputTokens)) {
      tokensOf(OPERATION, provider, model, responseModel, 'output').observe(usage.outputTokens);
    }
  }

  function firstToken(event: FirstTokenEvent): void {
    if (!valid(event.ttftMs)) return;
    ttftOf(OPERATION, orNone(event.provider), orNone(event.model), orNone(event.route)).observe(
      seconds(event.ttftMs),
    );
  }

  function requestEnded({ row }: RequestEndEvent): void {
    const route = orNone(row.route);
    const model = orNone(row.servedModel);
    const provider = orNone(row.provider);
    requestsOf(route, model, provider, String(row.status), row.outcome).pending += 1;
    // Both series exist from a route's first request, so ratios over requests are defined at once.
    if (valid(row.retries)) retriesOf(route).pending += row.retries;
    fallbacksOf(route).pending += row.fallback ? 1 : 0;
    for (const attempt of row.attempts) attemptCost(route, attempt);
    const latency = row.latency;
    if (valid(latency.overheadMs)) overheadCell.observe(seconds(latency.overheadMs));
    const outputTokens = row.outputTokens;
    if (
      row.stream &&
      row.outcome === 'ok' &&
      outputTokens !== null &&
      outputTokens > 1 &&
      valid(latency.ttftMs)
    ) {
      const perToken = (latency.totalMs - latency.ttftMs) / (outputTokens - 1);
      if (valid(perToken)) tpotOf(OPERATION, provider, model, route).observe(seconds(perToken));
    }
  }

  function attemptCost(route: string, attempt: AttemptRecord): void {
    const costUsd = attempt.costUsd;
    if (costUsd === undefined || !valid(costUsd) || costUsd === 0) return;
    costOf(route, orNone(attempt.target), orNone(attempt.provider)).pending += costUsd;
  }

  const subscriber: TelemetrySubscriber = (event) => {
    switch (event.type) {
      case 'attempt-end':
        attemptEnded(event);
        break;
      case 'first-token':
        firstToken(event);
        break;
      case 'request-end':
        requestEnded(event);
        break;
      case 'decision':
        if (valid(event.decisionMs)) decisionCell.observe(seconds(event.decisionMs));
        break;
      case 'request-start':
      case 'attempt-start':
        break;
    }
  };

  return {
    registry,
    subscriber,
    requestLogDropped(count) {
      if (valid(count) && count > 0) requestLogDropped.inc(count);
    },
    contentType: registry.contentType,
    render: () => registry.metrics(),
  };
}
