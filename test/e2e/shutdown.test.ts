/**
 * Shutdown loses no completed request: a real `switchyard serve` process with a SQLite file request log
 * gets SIGTERM while N requests (half of them streams) wait on a slow upstream. Every client still gets
 * its whole answer, the process exits 0, and the file then holds exactly N rows — the writer's flush
 * interval is set far beyond the test, so only the shutdown flush can have written them.
 */

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';
import { parsePrometheusText } from '../../src/telemetry/prometheus-text.ts';

const MAIN = new URL('../../src/main.ts', import.meta.url).pathname;
const N = 20;
/** How long after the last answer the process may take to write its rows and exit. */
const GRACE_MS = 5_000;

let simulator: RunningSimulator;
let dir: string;

beforeAll(async () => {
  simulator = await startSimulator({
    latency: 'realistic',
    // A realistic first token for a mid-size hosted model: every request is in flight for ~0.5 s.
    profiles: {
      'slow-model': {
        ttftMs: { median: 500, p95: 650 },
        tokensPerSecond: 400,
        contextWindow: 128_000,
        faults: [],
      },
    },
  });
  dir = mkdtempSync(join(tmpdir(), 'switchyard-shutdown-'));
});

afterAll(async () => {
  await simulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Served {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly exited: Promise<number | null>;
  output(): string;
}

async function serve(configFile: string): Promise<Served> {
  const args = ['serve', '--config', configFile, '--port', '0', '--host', '127.0.0.1'];
  const child = spawn(process.execPath, [MAIN, ...args]);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line in: ${output}`)), 15_000);
    const look = (): void => {
      const match = /switchyard listening on (http:\/\/[0-9.:]+)/.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        child.stdout.off('data', look);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', look);
    void exited.then((code) => reject(new Error(`exited ${code} before listening: ${output}`)));
  });
  return { child, url, exited, output: () => output };
}

interface Answer {
  readonly status: number;
  readonly id: string | null;
  readonly text: string;
  readonly stream: boolean;
}

async function ask(url: string, stream: boolean): Promise<Answer> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'slow',
      messages: [{ role: 'user', content: 'Write one sentence about harbours.' }],
      max_tokens: 12,
      stream,
    }),
  });
  return {
    status: response.status,
    id: response.headers.get('x-switchyard-request-id'),
    text: await response.text(),
    stream,
  };
}

/** Calls holding a slot of the slow model's gate, from the gateway's own metrics. */
async function inFlight(url: string): Promise<number> {
  const families = parsePrometheusText(await (await fetch(`${url}/metrics`)).text());
  const sample = families
    .get('switchyard_gate_in_flight')
    ?.samples.find((candidate) => candidate.labels.deployment === 'upstream/slow-model');
  return sample?.value ?? 0;
}

describe('SIGTERM with requests in flight', () => {
  it('answers all N clients, exits 0 and leaves exactly N rows in the SQLite file', async () => {
    const database = join(dir, 'requests.sqlite');
    const configFile = join(dir, 'switchyard.yaml');
    writeFileSync(
      configFile,
      `
server: { log_level: info }
providers:
  upstream: { type: openai-compatible, base_url: '${simulator.url}' }
models:
  slow:
    provider: upstream
    upstream: slow-model
    context_window: 128000
    pricing: { input_per_million: 1, output_per_million: 2 }
    # Unbounded in practice; it makes the calls in flight visible in /metrics.
    gate: { max_concurrency: 1000 }
routes:
  - name: default
    targets: [slow]
default_route: default
request_log: { store: sqlite, path: '${database}', flush_ms: 60000 }
`,
    );
    const gateway = await serve(configFile);
    let completed = 0;
    const answers = Array.from({ length: N }, (_, index) =>
      ask(gateway.url, index % 2 === 1).finally(() => completed++),
    );
    // All N have reached the upstream (each holds a gate slot) and none has finished.
    const deadline = Date.now() + 5_000;
    while ((await inFlight(gateway.url)) < N) {
      if (Date.now() > deadline) throw new Error(`requests never all in flight: ${gateway.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(completed).toBe(0);

    const signalled = performance.now();
    gateway.child.kill('SIGTERM');
    // Arriving during the drain: turned away (a 503 or a refused connection), never answered or logged.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const late = await ask(gateway.url, false).then(
      (answer) => answer.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(late);

    const results = await Promise.all(answers);
    const answeredMs = performance.now() - signalled;
    // An orchestrator's grace period (Kubernetes gives 30 s; this test gives the drain a few seconds
    // beyond the last answer): a process still running then is killed, and unwritten rows are lost.
    const code = await Promise.race([
      gateway.exited,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), GRACE_MS)),
    ]);
    const exitedMs = performance.now() - signalled;
    if (code === 'still running') {
      gateway.child.kill('SIGKILL');
      await gateway.exited;
    }

    expect(results.map((answer) => answer.status)).toEqual(Array<number>(N).fill(200));
    for (const answer of results) {
      if (answer.stream) {
        expect(answer.text).toContain('"finish_reason":"length"');
        expect(answer.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
      } else {
        const body = JSON.parse(answer.text) as { choices: { message: { content: string } }[] };
        expect(body.choices[0]?.message.content.length).toBeGreaterThan(0);
      }
    }
    expect(gateway.output()).toContain('shutting down: draining in-flight requests');
    const when = `all ${N} answers were in ${answeredMs.toFixed(0)} ms after SIGTERM`;
    expect.soft(code, `exit status ${GRACE_MS} ms later (${when}); output:\n${gateway.output()}`).toBe(0);
    // Draining is waiting for the slowest answer, then a flush: not for the 60 s flush interval, nor idle sockets.
    expect.soft(exitedMs - answeredMs, `ms from the last answer to exit`).toBeLessThan(2_000);

    const db = new DatabaseSync(database, { readOnly: true });
    try {
      const rows = db.prepare('SELECT id, status, outcome, stream FROM requests ORDER BY id').all();
      expect(rows.length, 'rows in the request log after shutdown').toBe(N);
      expect(rows.map((row) => row.id)).toEqual(results.map((answer) => answer.id).sort());
      expect(rows.every((row) => row.status === 200 && row.outcome === 'ok')).toBe(true);
      expect(rows.filter((row) => row.stream === 1)).toHaveLength(N / 2);
    } finally {
      db.close();
    }
  });
});
