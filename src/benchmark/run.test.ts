import { describe, expect, it } from 'vitest';
import { parseBenchFile } from './bench-json.ts';
import { buildBenchFile } from './bench-report.ts';
import type { CallResult, ChatCall, GatewayClient } from './gateway-client.ts';
import type { Progress } from './progress.ts';
import { parsePromptRows } from './rows.ts';
import { jobAt, runBenchmark, type RunSettings } from './run.ts';
import { parseTargets, type GatewayFacts } from './targets.ts';

const ROWS = parsePromptRows(
  [
    '{"id": "capital", "prompt": "Capital of France?", "expected": "Paris"}',
    '{"id": "free", "prompt": "Say anything."}',
    '{"id": "graded", "prompt": "Explain TCP.", "rubric": "accurate"}',
  ].join('\n'),
  'rows.jsonl',
);

const FACTS: GatewayFacts = {
  models: new Map([
    [
      'cheap',
      {
        id: 'cheap',
        provider: 'sim',
        contextWindow: 1000,
        maxOutputTokens: 100,
        pricing: { inputPerMillion: 1, outputPerMillion: 2 },
        note: 'cheap things',
      },
    ],
    [
      'judge',
      {
        id: 'judge',
        provider: 'sim',
        contextWindow: 1000,
        maxOutputTokens: 100,
        pricing: { inputPerMillion: 10, outputPerMillion: 10 },
        note: undefined,
      },
    ],
  ]),
  routes: new Map([['both', { name: 'both', strategy: 'fallback', targets: ['cheap'] }]]),
};

/** Answers "Paris" to everything, "SCORE: 9" as the judge; fails calls to the model `broken`. */
function fakeClient(calls: ChatCall[], delayMs = 0): GatewayClient {
  return {
    async chat(call) {
      calls.push(call);
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const isJudge = call.model === 'judge';
      const base: CallResult = {
        ok: true,
        errorCode: undefined,
        errorMessage: undefined,
        latencyMs: 10,
        ttftMs: undefined,
        text: isJudge ? 'Fine.\nSCORE: 9' : 'Paris',
        // 1M input and 1M output tokens make the cost the sum of the two prices.
        usage: { inputTokens: 1_000_000, outputTokens: 1_000_000 },
        servedModel: isJudge ? 'judge' : 'cheap',
        provider: 'sim',
        headerCostUsd: undefined,
      };
      return call.model === 'broken'
        ? { ...base, ok: false, errorCode: 'upstream_server_error', usage: undefined, text: '' }
        : base;
    },
    listModels: async () => ({}),
    close: async () => {},
  };
}

const quietProgress = (): Progress => ({ record: () => {}, finish: () => {} });

function settings(overrides: Partial<RunSettings> = {}): RunSettings {
  return {
    targets: parseTargets('cheap,route:both'),
    rows: ROWS,
    concurrency: 4,
    requestsPerTarget: undefined,
    durationMs: undefined,
    stream: false,
    judgeModel: undefined,
    ...overrides,
  };
}

describe('run driver', () => {
  it('interleaves targets over the same rows', () => {
    const targets = parseTargets('a,b');
    const jobs = [0, 1, 2, 3, 4, 5, 6].map((index) => jobAt(index, targets, ROWS));
    expect(jobs.map((job) => `${job.target.name}:${job.row.id}`)).toEqual([
      'a:capital',
      'b:capital',
      'a:free',
      'b:free',
      'a:graded',
      'b:graded',
      'a:capital',
    ]);
  });

  it('sends --requests per target, cycling the rows, with no more than `concurrency` in flight', async () => {
    const calls: ChatCall[] = [];
    let inFlight = 0;
    let peak = 0;
    const inner = fakeClient(calls, 2);
    const client: GatewayClient = {
      ...inner,
      async chat(call, signal) {
        peak = Math.max(peak, ++inFlight);
        try {
          return await inner.chat(call, signal);
        } finally {
          inFlight--;
        }
      },
    };
    const result = await runBenchmark(settings({ requestsPerTarget: 7 }), {
      client,
      facts: FACTS,
      progress: quietProgress,
      stop: new AbortController().signal,
    });
    expect(calls).toHaveLength(14);
    expect(calls.filter((call) => call.model === 'both')).toHaveLength(7);
    expect(peak).toBe(4);
    expect(
      result.measurements
        .get('cheap')
        ?.map((measurement) => measurement.rowId)
        .sort(),
    ).toEqual(['capital', 'capital', 'capital', 'free', 'free', 'graded', 'graded'].sort());
  });

  it('grades rubric rows with the judge after the run and keeps its cost apart', async () => {
    const calls: ChatCall[] = [];
    const result = await runBenchmark(settings({ targets: parseTargets('cheap'), judgeModel: 'judge' }), {
      client: fakeClient(calls),
      facts: FACTS,
      progress: quietProgress,
      stop: new AbortController().signal,
    });
    expect(calls.map((call) => call.model)).toEqual(['cheap', 'cheap', 'cheap', 'judge']);
    expect(calls[3]?.messages.at(-1)).toMatchObject({
      content: expect.stringContaining('Rubric:\naccurate'),
    });
    const file = buildBenchFile({
      settings: {
        data: 'rows.jsonl',
        rows: 3,
        labelledRows: 2,
        targets: ['cheap'],
        concurrency: 4,
        requestsPerTarget: 3,
        durationSeconds: null,
        stream: false,
        judge: 'judge',
        gateway: { mode: 'url', url: 'http://gateway', config: null, configVersion: null },
      },
      targets: parseTargets('cheap'),
      facts: FACTS,
      result,
      createdAt: new Date('2025-01-01T00:00:00Z'),
    });
    // Written and read back through the one schema.
    const entry = parseBenchFile(JSON.stringify(file), 'bench.json').targets[0]!;
    // Each target call costs $1 + $2; the judge's $20 is reported apart.
    expect(entry.cost.totalUsd).toBe(9);
    expect(entry.cost.per1kRequestsUsd).toBe(3_000);
    expect(entry.correctness).toMatchObject({ labelled: 2, checked: 2, correct: 2, rate: 1 });
    expect(entry.correctness.byKind.judge).toEqual({ checked: 1, correct: 1 });
    expect(entry.judge).toEqual({
      model: 'judge',
      calls: 1,
      failed: 0,
      ungraded: 0,
      costUsd: 20,
      meanScore: 9,
    });
    expect(file.judge?.costUsd).toBe(20);
    expect(entry.models[0]).toMatchObject({ id: 'cheap', note: 'cheap things', maxOutputTokens: 100 });
  });

  it('counts failures by code and leaves them out of correctness', async () => {
    const result = await runBenchmark(settings({ targets: parseTargets('broken') }), {
      client: fakeClient([]),
      facts: FACTS,
      progress: quietProgress,
      stop: new AbortController().signal,
    });
    const measurements = result.measurements.get('broken') ?? [];
    expect(measurements.map((measurement) => measurement.errorCode)).toEqual([
      'upstream_server_error',
      'upstream_server_error',
      'upstream_server_error',
    ]);
    expect(measurements.every((measurement) => measurement.verdicts.length === 0)).toBe(true);
  });

  it('stops taking jobs when stopped and when a timed run ends', async () => {
    const stop = new AbortController();
    stop.abort();
    const stopped = await runBenchmark(settings(), {
      client: fakeClient([]),
      facts: FACTS,
      progress: quietProgress,
      stop: stop.signal,
    });
    expect(stopped.interrupted).toBe(true);
    expect(stopped.measurements.get('cheap')).toEqual([]);

    const calls: ChatCall[] = [];
    const timed = await runBenchmark(settings({ durationMs: 60, concurrency: 2 }), {
      client: fakeClient(calls, 5),
      facts: FACTS,
      progress: quietProgress,
      stop: new AbortController().signal,
    });
    expect(timed.wallMs).toBeGreaterThanOrEqual(60);
    expect(calls.length).toBeGreaterThan(4);
    // Interleaved: the targets' counts differ by at most the requests in flight at the end.
    const counts = [...timed.measurements.values()].map((list) => list.length);
    expect(Math.abs(counts[0]! - counts[1]!)).toBeLessThanOrEqual(2);
  });
});
