/**
 * Closed loop: a fixed number of connections, each sending its next request as soon as the previous
 * answer is complete. This finds the throughput ceiling. autocannon drives the sockets; latencies go
 * into our own microsecond histogram because autocannon's rounds to whole milliseconds.
 */
import autocannon from 'autocannon';
import { LatencyHistogram } from './latency-histogram.ts';
import type { Target } from './systems.ts';
import { chatRequestBody } from './workload.ts';

// Far above any healthy answer at zero upstream latency; a request this slow counts as an error.
const REQUEST_TIMEOUT_SECONDS = 10;

export interface ClosedLoopMeasurement {
  readonly requestsPerSecond: number;
  readonly succeeded: number;
  /** Non-2xx answers, socket errors and timeouts. */
  readonly failed: number;
  /** Full response time (for streams: until the last byte). */
  readonly latency: LatencyHistogram;
}

export async function runClosedLoop(
  target: Target,
  connections: number,
  stream: boolean,
  durationSeconds: number,
): Promise<ClosedLoopMeasurement> {
  const latency = new LatencyHistogram();
  let succeeded = 0;
  let failed = 0;
  const startedAt = performance.now();
  await new Promise<void>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${target.origin}${target.path}`,
        method: 'POST',
        headers: target.headers,
        body: chatRequestBody(target.model, stream),
        connections,
        pipelining: 1,
        duration: durationSeconds,
        timeout: REQUEST_TIMEOUT_SECONDS,
      },
      (error: unknown) => (error === null || error === undefined ? resolve() : reject(toError(error))),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      if (statusCode >= 200 && statusCode < 300) {
        succeeded += 1;
        latency.recordMs(responseTimeMs);
      } else {
        failed += 1;
      }
    });
    instance.on('reqError', () => {
      failed += 1;
    });
  });
  const elapsedSeconds = (performance.now() - startedAt) / 1000;
  return { requestsPerSecond: succeeded / elapsedSeconds, succeeded, failed, latency };
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
