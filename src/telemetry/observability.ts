/**
 * The observability stage, wired once: the telemetry bus and its subscribers — Prometheus metrics, the
 * request log (a bounded queue written in batches off the request path), OTLP traces, the recent-requests
 * view —
 * and the shutdown that flushes the log so no completed request is lost.
 */

import type { Logger } from 'pino';
import type { ResolvedConfig } from '../config/resolved.ts';
import type { CircuitBreakers } from '../executor/circuit-breaker.ts';
import type { GateLoad } from '../executor/deployment-pool.ts';
import { createTelemetryBus, type TelemetrySink, type TelemetrySubscriber } from './events.ts';
import type { Metrics } from './metrics.ts';
import { createRecentRequests, type RecentRequests } from './recent-requests.ts';
import { openRequestLogStore } from './request-log/open-store.ts';
import { createRedactor } from './request-log/redact.ts';
import type { RequestLogStore } from './request-log/store.ts';
import { createRequestLogWriter, type RequestLogWriter } from './request-log/writer.ts';

export interface Observability {
  readonly telemetry: TelemetrySink;
  readonly recent: RecentRequests;
  readonly requestLog: RequestLogStore | undefined;
  readonly metrics: Metrics | undefined;
  readonly redact: (text: string) => string;
  /** Writes every queued row and closes the store (call after in-flight requests finished). */
  close(): Promise<void>;
}

export interface ObservabilitySources {
  readonly breakers: CircuitBreakers;
  readonly gates: () => readonly GateLoad[];
}

export async function createObservability(
  config: ResolvedConfig,
  logger: Logger,
  sources: ObservabilitySources,
): Promise<Observability> {
  // Each subscriber's libraries (prom-client, the OpenTelemetry SDK) load only when it is switched on.
  const metrics = config.metricsEnabled
    ? (await import('./metrics.ts')).createMetrics({
        circuits: () => sources.breakers.snapshot(),
        gates: sources.gates,
      })
    : undefined;
  const requestLog = await openRequestLogStore(config.requestLog, config.server.requestRecords);
  let writer: RequestLogWriter | undefined;
  if (requestLog !== undefined) {
    writer = createRequestLogWriter(requestLog, {
      queueSize: config.requestLog.queueSize,
      batchSize: config.requestLog.batchSize,
      flushMs: config.requestLog.flushMs,
      retentionHours: config.requestLog.retentionHours,
      onDropped: (count) => {
        metrics?.requestLogDropped(count);
        logger.warn({ dropped: count }, 'request log queue full: rows dropped');
      },
      onWriteError: (error) => logger.error({ err: error }, 'request log write failed; retrying'),
    });
  }
  const tracing =
    config.tracing === undefined ? undefined : (await import('./tracing.ts')).createTracing(config.tracing);
  const subscribers: TelemetrySubscriber[] = [];
  if (metrics !== undefined) subscribers.push(metrics.subscriber);
  if (tracing !== undefined) subscribers.push(tracing.subscriber);
  const log = writer;
  if (log !== undefined) {
    subscribers.push((event) => {
      if (event.type === 'request-end') log.enqueue(event.row);
    });
  }
  const telemetry = createTelemetryBus(subscribers, (error) =>
    logger.error({ err: error }, 'a telemetry subscriber failed (reported once)'),
  );
  return {
    telemetry,
    // With a request log, a finished row waits in the log's queue, not in the recent-requests view.
    recent: createRecentRequests(
      config.server.requestRecords,
      log === undefined ? undefined : (id) => log.find(id),
    ),
    requestLog,
    metrics,
    redact: createRedactor(config.requestLog.redact),
    async close() {
      await writer?.close();
      await tracing?.close();
    },
  };
}
