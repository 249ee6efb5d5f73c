/**
 * Open loop: requests start on a fixed schedule whatever the answers do, the way independent users
 * arrive. Every latency is measured from the request's *scheduled* start, not from when it was actually
 * sent, so a stalled system or a late generator shows up as latency instead of silently lowering the
 * offered load (coordinated omission).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import { LatencyHistogram } from './latency-histogram.ts';
import type { Target } from './systems.ts';
import { chatRequestBody } from './workload.ts';

// Enough that the pool never makes a request wait for a socket, even when a slow gateway holds many.
const MAX_CONNECTIONS = 256;
// A request still unanswered this long after the schedule ended counts as failed.
const DRAIN_TIMEOUT_MS = 10_000;

export interface OpenLoopMeasurement {
  readonly offeredPerSecond: number;
  readonly requestsPerSecond: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Scheduled start → last byte. */
  readonly latency: LatencyHistogram;
  /** Scheduled start → first body byte (the first SSE event, for streams). */
  readonly timeToFirstByte: LatencyHistogram;
}

export async function runOpenLoop(
  target: Target,
  requestsPerSecond: number,
  stream: boolean,
  durationSeconds: number,
): Promise<OpenLoopMeasurement> {
  const pool = new Pool(target.origin, { connections: MAX_CONNECTIONS, pipelining: 1 });
  const latency = new LatencyHistogram();
  const timeToFirstByte = new LatencyHistogram();
  const body = Buffer.from(chatRequestBody(target.model, stream));
  const dispatchOptions: Dispatcher.DispatchOptions = {
    path: target.path,
    method: 'POST',
    headers: target.headers,
    body,
    headersTimeout: DRAIN_TIMEOUT_MS,
    bodyTimeout: DRAIN_TIMEOUT_MS,
  };
  const totalRequests = Math.round(requestsPerSecond * durationSeconds);
  const intervalMs = 1000 / requestsPerSecond;
  let succeeded = 0;
  let failed = 0;
  let settled = 0;
  let measuring = true;
  let lastSettledAt = 0;
  let resolveEverythingSettled = (): void => undefined;
  const everythingSettled = new Promise<void>((resolve) => {
    resolveEverythingSettled = resolve;
  });

  const send = (scheduledAt: number): void => {
    let statusCode = 0;
    let firstByteSeen = false;
    const settle = (ok: boolean): void => {
      if (!measuring) return;
      settled += 1;
      lastSettledAt = performance.now();
      if (settled === totalRequests) resolveEverythingSettled();
      if (!ok) {
        failed += 1;
        return;
      }
      succeeded += 1;
      latency.recordMs(performance.now() - scheduledAt);
    };
    pool.dispatch(dispatchOptions, {
      // Present so undici treats this as a new-style handler (it checks for this method).
      onRequestStart: () => undefined,
      onResponseStart: (_controller, code) => {
        statusCode = code;
      },
      onResponseData: () => {
        if (firstByteSeen) return;
        firstByteSeen = true;
        if (statusCode >= 200 && statusCode < 300) timeToFirstByte.recordMs(performance.now() - scheduledAt);
      },
      onResponseEnd: () => settle(statusCode >= 200 && statusCode < 300),
      onResponseError: () => settle(false),
    });
  };

  const startedAt = performance.now();
  let sent = 0;
  // Sleep until the next slot, then send everything due: a late timer sends a burst, never skips one.
  while (sent < totalRequests) {
    const now = performance.now();
    const due = Math.min(totalRequests, Math.floor((now - startedAt) / intervalMs) + 1);
    for (; sent < due; sent += 1) send(startedAt + sent * intervalMs);
    const nextSlotAt = startedAt + sent * intervalMs;
    await sleep(Math.max(0, nextSlotAt - performance.now()));
  }
  const drainTimer = new AbortController();
  await Promise.race([
    everythingSettled,
    sleep(DRAIN_TIMEOUT_MS, undefined, { signal: drainTimer.signal }).catch(() => undefined),
  ]);
  drainTimer.abort();
  measuring = false;
  failed += totalRequests - settled;
  const elapsedSeconds = (Math.max(lastSettledAt, startedAt + durationSeconds * 1000) - startedAt) / 1000;
  await pool.destroy();
  return {
    offeredPerSecond: requestsPerSecond,
    requestsPerSecond: succeeded / elapsedSeconds,
    succeeded,
    failed,
    latency,
    timeToFirstByte,
  };
}
