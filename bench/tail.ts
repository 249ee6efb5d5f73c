/**
 * `node bench/tail.ts [--rate 500] [--duration 20] [--request-log off] [--flush-ms N]`: where Switchyard's added tail
 * latency at a fixed arrival rate comes from. Open loop through the gateway (built, with the heap flags
 * of `npm start`) to the zero-latency simulator, as bench:overhead's open-loop cell, recording for every
 * request its latency and the gateway's own `x-switchyard-overhead-ms` (its time minus upstream time).
 * The simulator is measured directly first, on the same schedule.
 *
 * Prints percentiles of both, and how the slowest 1 % of requests fall in time: requests slowed by the
 * gateway's own work are spread out; requests slowed together by a pause (a garbage collection, another
 * process taking the core) come in runs a few milliseconds apart. And the gateway's young-generation
 * collections over the measured window, from its own /metrics (prom-client's GC histogram): how often,
 * and how long each pause was, which grows with what outlives a collection.
 */

import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { stopAllChildren, stopChildrenOnExit } from './lib/child-processes.ts';
import { runClosedLoop } from './lib/closed-loop.ts';
import {
  buildSwitchyard,
  directTarget,
  startSimulator,
  startSwitchyard,
  SWITCHYARD_PRODUCTION_NODE_FLAGS,
  type Target,
} from './lib/systems.ts';
import { chatRequestBody } from './lib/workload.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '500' },
    duration: { type: 'string', default: '20' },
    'request-log': { type: 'string', default: 'sqlite' },
    'flush-ms': { type: 'string' },
  },
});
const rate = Number(values.rate);
const durationSeconds = Number(values.duration);
const flushMs = values['flush-ms'] === undefined ? undefined : Number(values['flush-ms']);
if (
  !(rate > 0) ||
  !(durationSeconds > 0) ||
  !['sqlite', 'off'].includes(values['request-log']) ||
  (flushMs !== undefined && !(Number.isInteger(flushMs) && flushMs > 0))
) {
  process.stderr.write(
    'usage: node bench/tail.ts [--rate 500] [--duration 20] [--request-log sqlite|off] [--flush-ms N]\n',
  );
  process.exit(2);
}

/** Requests closer than this in time count as one run. */
const RUN_GAP_MS = 5;

interface Sample {
  readonly latencyMs: number;
  readonly overheadMs: number;
  readonly sentAtMs: number;
}

async function openLoop(target: Target, seconds: number): Promise<Sample[]> {
  const pool = new Pool(target.origin, { connections: 64 });
  const body = Buffer.from(chatRequestBody(target.model, false));
  const total = Math.round(rate * seconds);
  const intervalMs = 1000 / rate;
  const samples: Sample[] = [];
  let settled = 0;
  let allSettled = (): void => undefined;
  const done = new Promise<void>((resolve) => (allSettled = resolve));
  const startedAt = performance.now();
  const send = (scheduledAt: number): void => {
    let overheadMs = Number.NaN;
    const settle = (ok: boolean): void => {
      if (ok) {
        samples.push({
          latencyMs: performance.now() - scheduledAt,
          overheadMs,
          sentAtMs: scheduledAt - startedAt,
        });
      }
      if (++settled === total) allSettled();
    };
    pool.dispatch(
      { path: target.path, method: 'POST', headers: target.headers, body },
      {
        onRequestStart: () => undefined,
        onResponseStart: (_controller, _status, headers) => {
          const value = headers['x-switchyard-overhead-ms'];
          if (typeof value === 'string') overheadMs = Number(value);
        },
        onResponseData: () => undefined,
        onResponseEnd: () => settle(true),
        onResponseError: () => settle(false),
      },
    );
  };
  // As bench:overhead's open loop: send everything due, then sleep until the next slot.
  for (let sent = 0; sent < total;) {
    const due = Math.min(total, Math.floor((performance.now() - startedAt) / intervalMs) + 1);
    for (; sent < due; sent++) send(startedAt + sent * intervalMs);
    await sleep(Math.max(0, startedAt + sent * intervalMs - performance.now()));
  }
  await done;
  await pool.destroy();
  return samples;
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

interface YoungCollections {
  readonly count: number;
  readonly seconds: number;
}

/** The gateway's young-generation (minor) collections so far, from prom-client's GC histogram. */
async function youngCollections(target: Target): Promise<YoungCollections> {
  const pool = new Pool(target.origin, { connections: 1 });
  try {
    const response = await pool.request({ path: '/metrics', method: 'GET' });
    const text = await response.body.text();
    const read = (series: string): number =>
      Number(
        new RegExp(`^nodejs_gc_duration_seconds_${series}\\{kind="minor"\\} (\\S+)$`, 'm').exec(text)?.[1],
      );
    return { count: read('count'), seconds: read('sum') };
  } finally {
    await pool.close();
  }
}

function describe(samples: readonly Sample[]): { p50: number; p99: number; runs: number[] } {
  const latencies = samples.map((sample) => sample.latencyMs).sort((a, b) => a - b);
  const slowest = [...samples]
    .sort((a, b) => b.latencyMs - a.latencyMs)
    .slice(0, Math.ceil(samples.length / 100));
  const times = slowest.map((sample) => sample.sentAtMs).sort((a, b) => a - b);
  const runs: number[] = [];
  times.forEach((time, index) => {
    if (index > 0 && time - times[index - 1]! <= RUN_GAP_MS) runs[runs.length - 1]! += 1;
    else runs.push(1);
  });
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), runs };
}

stopChildrenOnExit();
try {
  await buildSwitchyard();
  const simulator = await startSimulator();
  const requestLog = [
    ...(values['request-log'] === 'off' ? ['store: off'] : []),
    ...(flushMs === undefined ? [] : [`flush_ms: ${flushMs}`]),
  ];
  const optionalConfig = requestLog.length === 0 ? undefined : `request_log: { ${requestLog.join(', ')} }\n`;
  const gateway = await startSwitchyard({
    simulatorOrigin: simulator.origin,
    logLevel: 'info',
    nodeFlags: SWITCHYARD_PRODUCTION_NODE_FLAGS,
    ...(optionalConfig === undefined ? {} : { optionalConfig }),
  });
  await runClosedLoop(gateway, 16, false, 3); // V8 optimises the serving path first
  await openLoop(gateway, 4);
  const direct = describe(await openLoop(directTarget(simulator.origin), durationSeconds));
  const collectedBefore = await youngCollections(gateway);
  const samples = await openLoop(gateway, durationSeconds);
  const collectedAfter = await youngCollections(gateway);
  const scavenges = collectedAfter.count - collectedBefore.count;
  const scavengeMs = (collectedAfter.seconds - collectedBefore.seconds) * 1000;
  const through = describe(samples);
  const overheads = samples
    .map((sample) => sample.overheadMs)
    .filter((value) => Number.isFinite(value))
    .sort((a, b) => a - b);
  const inRuns = through.runs.filter((length) => length >= 3).reduce((sum, length) => sum + length, 0);
  const slowCount = through.runs.reduce((sum, length) => sum + length, 0);
  const lines = [
    `${samples.length} requests at ${rate} req/s for ${durationSeconds} s; request log ${values['request-log']}` +
      `${flushMs === undefined ? '' : `, flush_ms ${flushMs}`}; Node ${process.version}`,
    '',
    '| measure | p50 ms | p99 ms |',
    '| --- | ---: | ---: |',
    `| latency, direct to the simulator | ${direct.p50.toFixed(2)} | ${direct.p99.toFixed(2)} |`,
    `| latency through Switchyard | ${through.p50.toFixed(2)} | ${through.p99.toFixed(2)} |`,
    `| Switchyard's own overhead (x-switchyard-overhead-ms) | ${percentile(overheads, 0.5).toFixed(2)} | ${percentile(overheads, 0.99).toFixed(2)} |`,
    '',
    `Slowest 1 % through Switchyard (${slowCount} requests): ${through.runs.length} runs (requests ≤ ${RUN_GAP_MS} ms apart), ` +
      `${inRuns} of them in runs of 3 or more; longest run ${Math.max(...through.runs)}.`,
    `Young-generation collections in the gateway: ${scavenges}, ${(scavengeMs / Math.max(1, scavenges)).toFixed(2)} ms each on average, ` +
      `${((scavengeMs * 1000) / samples.length).toFixed(1)} µs per request.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await stopAllChildren();
}
