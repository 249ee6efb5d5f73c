/**
 * Optional OTLP trace export: one span per request and one per upstream attempt, with the GenAI
 * semantic-convention attributes. Spans are built when the request ends, from its request-log row —
 * start and end times are the recorded ones — so tracing adds nothing to the serving path but a
 * subscriber, and requests that were not sampled cost nothing at all.
 */

import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Tracer,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import type { TracingSettings } from '../config/resolved.ts';
import type { AttemptRecord } from '../executor/attempt.ts';
import type { TelemetrySubscriber } from './events.ts';
import type { RequestLogRow } from './request-log/row.ts';

export interface Tracing {
  readonly subscriber: TelemetrySubscriber;
  /** Exports what is buffered and stops. */
  close(): Promise<void>;
}

export function createTracing(settings: TracingSettings): Tracing {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    sampler: new TraceIdRatioBasedSampler(settings.sampleRatio),
    spanProcessors: [
      new BatchSpanProcessor(
        new OTLPTraceExporter({ url: settings.otlpEndpoint, headers: { ...settings.headers } }),
      ),
    ],
  });
  const tracer = provider.getTracer('switchyard');
  return {
    subscriber: (event) => {
      if (event.type === 'request-end') traceRequest(tracer, event.row);
    },
    close: () => provider.shutdown(),
  };
}

function traceRequest(tracer: Tracer, row: RequestLogRow): void {
  const failed = row.outcome !== 'ok';
  const root = tracer.startSpan(
    `chat ${row.route ?? row.requestedModel}`,
    {
      kind: SpanKind.SERVER,
      startTime: row.receivedAt,
      attributes: defined({
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': row.requestedModel,
        'gen_ai.response.model': row.servedModel,
        'gen_ai.provider.name': row.provider,
        'gen_ai.usage.input_tokens': row.inputTokens,
        'gen_ai.usage.output_tokens': row.outputTokens,
        'http.response.status_code': row.status,
        'error.type': failed ? row.outcome : null,
        'switchyard.request_id': row.id,
        'switchyard.route': row.route,
        'switchyard.tenant': row.tenant,
        'switchyard.fallback': row.fallback,
        'switchyard.cost_usd': row.costUsd,
        'switchyard.overhead_ms': row.latency.overheadMs,
        'switchyard.config_version': row.configVersion,
      }),
    },
    ROOT_CONTEXT,
  );
  if (!root.isRecording()) return; // not sampled
  if (failed) root.setStatus({ code: SpanStatusCode.ERROR, message: row.errorMessage ?? row.outcome });
  const parent = trace.setSpan(ROOT_CONTEXT, root);
  for (const attempt of row.attempts) traceAttempt(tracer, parent, attempt);
  root.end(row.receivedAt + row.latency.totalMs);
}

function traceAttempt(tracer: Tracer, parent: typeof ROOT_CONTEXT, attempt: AttemptRecord): void {
  // Attempt times are performance.now() readings of this process: on the epoch from its time origin.
  const start = performance.timeOrigin + attempt.startedAtMs;
  const failed = attempt.outcome !== 'ok';
  const span = tracer.startSpan(
    `chat ${attempt.target}`,
    {
      kind: SpanKind.CLIENT,
      startTime: start,
      attributes: defined({
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': attempt.target,
        'gen_ai.provider.name': attempt.provider,
        'gen_ai.usage.input_tokens': attempt.usage?.inputTokens,
        'gen_ai.usage.output_tokens': attempt.usage?.outputTokens,
        'http.response.status_code': attempt.upstreamStatus,
        'error.type': failed ? attempt.outcome : null,
        'switchyard.deployment': attempt.deployment,
        'switchyard.queue_ms': attempt.queueMs,
        'switchyard.first_token_ms': attempt.firstTokenMs,
        'switchyard.cost_usd': attempt.costUsd,
      }),
    },
    parent,
  );
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR, message: attempt.message ?? attempt.outcome });
  span.end(start + attempt.durationMs);
}

/** Attributes without the absent ones (OTLP has no null). */
function defined(values: Readonly<Record<string, string | number | boolean | null | undefined>>): Attributes {
  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(values))
    if (value !== null && value !== undefined) attributes[key] = value;
  return attributes;
}
