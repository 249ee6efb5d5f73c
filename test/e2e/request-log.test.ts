/**
 * The request log over real sockets, against each store it can live in: the default SQLite (in memory
 * under tests), a SQLite file and a real PostgreSQL. One flow per store — a success, a fallback after a
 * 500, a stream cut after commit, a request failing everywhere, bad input — and every row read three ways: GET /v1/requests/{id} at once (the log's queue, or the store if
 * it was written already), GET again once the statistics count every row (the store), and straight
 * from the store the gateway wrote.
 */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/app.ts';
import { loadConfigText } from '../../src/config/load.ts';
import type { ResolvedConfig } from '../../src/config/resolved.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';
import { createPostgresStore } from '../../src/telemetry/request-log/postgres-store.ts';
import type { RequestLogRow } from '../../src/telemetry/request-log/row.ts';
import { createSqliteStore } from '../../src/telemetry/request-log/sqlite-store.ts';
import type { RequestLogStore } from '../../src/telemetry/request-log/store.ts';
import { ensurePostgres, TEST_POSTGRES_URL, uniqueTableName } from '../support/postgres.ts';

const PRICES = {
  fast: { input: 0.1, output: 0.4 },
  strong: { input: 2.5, output: 10 },
} as const;

const model = (name: keyof typeof PRICES): string => `
  ${name}:
    provider: upstream
    upstream: sim-lite
    context_window: 128000
    pricing: { input_per_million: ${PRICES[name].input}, output_per_million: ${PRICES[name].output} }`;

const configText = (requestLog: string): string => `
server: { log_level: silent, request_records: 1 }
providers:
  upstream:
    type: openai-compatible
    base_url: '\${SIM_URL}'
    forward_headers: [x-sim-fault]
    timeouts: { connect_ms: 1000, headers_ms: 3000, body_idle_ms: 1000 }
models:${model('fast')}${model('strong')}
routes:
  - name: default
    targets: [fast, strong]
default_route: default
circuit_breaker: { failure_threshold: 0 }
request_log: { flush_ms: 10${requestLog} }
`;

/** A row as GET /v1/requests/{id} serves it. */
type LogRecord = RequestLogRow & { readonly state: string };

/** One request as the client saw it (epoch ms before and after), and `recent`: its record at once. */
type Sent = Readonly<{ id: string; status: number; text: string; headers: Headers; recent: LogRecord }> &
  Readonly<{ before: number; after: number; elapsedMs: number }>;

async function getRecord(url: string, id: string): Promise<{ status: number; record: LogRecord }> {
  const response = await fetch(`${url}/v1/requests/${id}`);
  return { status: response.status, record: (await response.json()) as LogRecord };
}

type Fields = Record<string, string>;

async function chat(url: string, body: object, headers: Fields = {}): Promise<Sent> {
  const before = Date.now();
  const started = performance.now();
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const elapsedMs = performance.now() - started;
  const after = Date.now();
  const id = response.headers.get('x-switchyard-request-id') ?? '';
  const { status, record: recent } = await getRecord(url, id);
  expect(status).toBe(200);
  return { id, status: response.status, text, headers: response.headers, before, after, elapsedMs, recent };
}

const MESSAGES = [{ role: 'user', content: 'Summarise the quarterly numbers, please.' }];
const ask = (model: string, extra: object = {}): object => ({
  model,
  messages: MESSAGES,
  max_tokens: 8,
  ...extra,
});
const ACME = { 'x-switchyard-tenant': 'acme-corp' };
const fault = (spec: string): Fields => ({ 'x-sim-fault': `${spec}; key=${randomUUID()}` });

/** Each scenario's body and headers, sent in this order. */
const requests = () =>
  ({
    success: [ask('default', { metadata: { team: 'search', release: 'r42' } }), ACME],
    fallback: [ask('default'), fault('server_error; times=1')],
    streamCut: [ask('default', { max_tokens: 40, stream: true }), fault('stream_truncate; after=4')],
    failsEverywhere: [ask('default'), fault('server_error')],
    badInput: [{ model: 'default', max_tokens: 8 }, ACME],
  }) satisfies Record<string, [object, Fields]>;
type Scenario = keyof ReturnType<typeof requests>;
const SCENARIOS = Object.keys(requests()) as Scenario[];

async function runScenarios(url: string): Promise<Readonly<Record<Scenario, Sent>>> {
  const sent: Partial<Record<Scenario, Sent>> = {};
  for (const [scenario, [body, headers]] of Object.entries(requests())) {
    sent[scenario as Scenario] = await chat(url, body, headers);
  }
  return sent as Record<Scenario, Sent>;
}

/** Resolves once `read` gives a value, polling; fails after `timeoutMs`. */
async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not there after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface StoreVariant {
  readonly name: string;
  /** The rest of the `request_log` mapping (after `redact`), and a way to read the store directly. */
  setup(): Promise<{
    yaml: string;
    open?: () => RequestLogStore;
    /** Counts the rows with plain SQL, past the store's code. */
    count?: () => Promise<number>;
    cleanup: () => Promise<void>;
  }>;
}

const VARIANTS: readonly StoreVariant[] = [
  {
    name: 'SQLite, the default store (in memory under tests)',
    async setup() {
      return { yaml: '', cleanup: async () => undefined };
    },
  },
  {
    name: 'SQLite in a file',
    async setup() {
      const dir = mkdtempSync(join(tmpdir(), 'switchyard-request-log-'));
      const file = join(dir, 'requests.sqlite');
      return {
        yaml: `, store: sqlite, path: '${file}'`,
        open: () => createSqliteStore(file),
        count: async () => {
          const db = new DatabaseSync(file, { readOnly: true });
          try {
            return Number(db.prepare('SELECT count(*) AS n FROM requests').get()?.n);
          } finally {
            db.close();
          }
        },
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'PostgreSQL',
    async setup() {
      // The production path always writes table `requests`; a schema of our own (first on the
      // search_path) keeps this run away from any other gateway's or test's rows.
      const base = await ensurePostgres(TEST_POSTGRES_URL);
      const schema = uniqueTableName('switchyard_e2e');
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
      const url = new URL(base);
      url.searchParams.set('options', `-c search_path=${schema}`);
      return {
        yaml: `, store: postgres, url: '${url.toString()}'`,
        open: () => createPostgresStore(url.toString()),
        count: async () => {
          const table = `${pg.escapeIdentifier(schema)}.requests`;
          const result = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
          return Number(result.rows[0]?.n);
        },
        async cleanup() {
          await admin.query(`DROP SCHEMA ${pg.escapeIdentifier(schema)} CASCADE`);
          await admin.end();
        },
      };
    },
  },
];

const costOf = (name: keyof typeof PRICES, input: number, output: number): number =>
  (input * PRICES[name].input + output * PRICES[name].output) / 1_000_000;

const sumOfAttempts = (row: RequestLogRow): number =>
  row.attempts.reduce((sum, attempt) => sum + (attempt.costUsd ?? 0), 0);

describe.each(VARIANTS)('the request log in $name', (variant) => {
  let simulator: RunningSimulator;
  let gateway: Gateway;
  let config: ResolvedConfig;
  let url: string;
  let cleanup: () => Promise<void> = async () => undefined;
  let sent: Readonly<Record<Scenario, Sent>>;
  /** GET /v1/requests/{id} once the row could only come from the store. */
  const later = new Map<string, LogRecord>();
  /** The store's own answer, read with a second connection (file and PostgreSQL stores). */
  const direct = new Map<string, RequestLogRow>();
  let storeRowCount: number | undefined;

  beforeAll(async () => {
    const store = await variant.setup();
    cleanup = store.cleanup;
    simulator = await startSimulator({ latency: 'zero' });
    const env = { SIM_URL: simulator.url };
    config = await loadConfigText(configText(store.yaml), { env, source: 'log.yaml' });
    gateway = await createGateway(config, pino({ level: 'silent' }));
    url = (await gateway.listen(0, '127.0.0.1')).url;
    sent = await runScenarios(url);
    await chat(url, ask('default'));
    // GET /v1/requests/{id} answers from the log's queue until a row's batch is written. The statistics
    // read the store alone: once they count every request, every row above is read from the store.
    await eventually(async () => {
      const response = await fetch(`${url}/v1/stats?window=1h`);
      const { total } = (await response.json()) as { total: { count: number } };
      return total.count >= SCENARIOS.length + 1 ? true : undefined;
    });
    for (const scenario of SCENARIOS) {
      const { id } = sent[scenario];
      const record = await eventually(async () => {
        const answer = await getRecord(url, id);
        return answer.status === 200 ? answer.record : undefined;
      });
      later.set(id, record);
    }
    if (store.open !== undefined) {
      const reader = store.open();
      await reader.init();
      try {
        for (const scenario of SCENARIOS) {
          const row = await reader.get(sent[scenario].id);
          if (row !== undefined) direct.set(row.id, row);
        }
      } finally {
        await reader.close();
      }
    }
    storeRowCount = await store.count?.();
  });

  afterAll(async () => {
    await gateway?.close();
    await simulator?.close();
    await cleanup();
  });

  /** The same row, whichever way it was read. */
  function rowsOf(scenario: Scenario): RequestLogRow {
    const { id, recent } = sent[scenario];
    expect(recent.state).toBe('complete');
    expect(recent.id).toBe(id);
    // Bodies are off by default.
    expect(recent).toMatchObject({ prompt: null, completion: null });
    const stored = later.get(id);
    expect(stored).toEqual(recent);
    if (variant.name !== VARIANTS[0]?.name) expect({ ...direct.get(id), state: 'complete' }).toEqual(recent);
    return recent;
  }

  function expectCommonFields(scenario: Scenario, row: RequestLogRow): void {
    const request = sent[scenario];
    expect(row.configVersion).toBe(config.version);
    expect(row.protocol).toBe('openai');
    expect(row.status).toBe(request.status);
    expect(row.receivedAt).toBeGreaterThanOrEqual(request.before);
    expect(row.receivedAt).toBeLessThanOrEqual(request.after);
    expect(row.costUsd).toBeCloseTo(sumOfAttempts(row), 15);
    const latency = row.latency;
    expect(latency.totalMs).toBeGreaterThan(0);
    expect(latency.totalMs).toBeLessThanOrEqual(request.elapsedMs);
    expect(latency.overheadMs).toBeGreaterThanOrEqual(0);
    expect(latency.queueMs).toBeGreaterThanOrEqual(0);
    expect(latency.upstreamMs).toBeGreaterThanOrEqual(0);
    expect(latency.upstreamMs).toBeLessThanOrEqual(latency.totalMs);
    if (latency.ttftMs !== null) {
      expect(latency.ttftMs).toBeGreaterThanOrEqual(0);
      expect(latency.ttftMs).toBeLessThanOrEqual(latency.totalMs);
    }
    if (row.route !== null) {
      expect(latency.decisionMs).toBeGreaterThan(0);
      expect(latency.overheadMs).toBeLessThan(latency.totalMs);
      expect(latency.upstreamMs).toBeGreaterThan(0);
      expect(row.decision).toMatchObject({ route: 'default', targets: ['fast', 'strong'] });
    }
  }

  it('records a success: tokens, cost at the served model, latency, tenant, tags, config version', () => {
    const row = rowsOf('success');
    expectCommonFields('success', row);
    const body = JSON.parse(sent.success.text) as {
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    expect(row).toMatchObject({
      stream: false,
      requestedModel: 'default',
      route: 'default',
      servedModel: 'fast',
      provider: 'upstream',
      status: 200,
      outcome: 'ok',
      errorMessage: null,
      tenant: 'acme-corp',
      tags: { team: 'search', release: 'r42' },
      fallback: false,
      retries: 0,
      inputTokens: body.usage.prompt_tokens,
      outputTokens: body.usage.completion_tokens,
    });
    expect(row.inputTokens).toBeGreaterThan(0);
    expect(row.attempts).toHaveLength(1);
    expect(row.attempts[0]).toMatchObject({ target: 'fast', provider: 'upstream', outcome: 'ok' });
    expect(row.costUsd).toBeCloseTo(
      costOf('fast', body.usage.prompt_tokens, body.usage.completion_tokens),
      15,
    );
    expect(Number(sent.success.headers.get('x-switchyard-cost-usd'))).toBeCloseTo(row.costUsd, 8);
    expect(row.latency.ttftMs).not.toBeNull();
  });

  it('records a fallback after a 500: both attempts, cost summed over them, the fallback as served model', () => {
    const row = rowsOf('fallback');
    expectCommonFields('fallback', row);
    expect(row).toMatchObject({
      status: 200,
      outcome: 'ok',
      route: 'default',
      servedModel: 'strong',
      fallback: true,
    });
    expect(row.attempts.map((attempt) => [attempt.target, attempt.outcome, attempt.upstreamStatus])).toEqual([
      ['fast', 'upstream_server_error', 500],
      ['strong', 'ok', undefined],
    ]);
    expect(row.retries).toBe(1);
    const usage = row.attempts[1]?.usage;
    expect(usage).toBeDefined();
    expect(row.costUsd).toBeCloseTo(costOf('strong', usage?.inputTokens ?? 0, usage?.outputTokens ?? 0), 15);
    expect(row.costUsd).toBeGreaterThan(0);
    expect(row.tenant).toBeNull();
    expect(row.tags).toEqual({});
  });

  it('records a stream cut after commit as status 200 with outcome stream_truncated', () => {
    const row = rowsOf('streamCut');
    expectCommonFields('streamCut', row);
    expect(sent.streamCut.status).toBe(200);
    expect(row).toMatchObject({
      stream: true,
      status: 200,
      outcome: 'stream_truncated',
      servedModel: 'fast',
    });
    expect(row.errorMessage).toEqual(expect.any(String));
    expect(row.attempts).toHaveLength(1);
    expect(row.attempts[0]?.outcome).toBe('stream_truncated');
    expect(row.latency.ttftMs).not.toBeNull();
  });

  it('records a request failing everywhere: its status, its outcome and every attempt', () => {
    const row = rowsOf('failsEverywhere');
    expectCommonFields('failsEverywhere', row);
    expect(sent.failsEverywhere.status).toBe(502);
    expect(row).toMatchObject({
      status: 502,
      outcome: 'upstream_server_error',
      route: 'default',
      servedModel: null,
      provider: null,
      fallback: false,
      inputTokens: null,
      outputTokens: null,
      costUsd: 0,
    });
    expect(row.errorMessage).toContain('All 2 attempt(s) failed');
    expect(row.attempts.map((attempt) => [attempt.target, attempt.outcome])).toEqual([
      ['fast', 'upstream_server_error'],
      ['strong', 'upstream_server_error'],
    ]);
    expect(row.latency.ttftMs).toBeNull();
  });

  it('records bad input as 400 invalid_request with no route, decision or attempt', () => {
    const row = rowsOf('badInput');
    expectCommonFields('badInput', row);
    expect(row).toMatchObject({
      status: 400,
      outcome: 'invalid_request',
      route: null,
      decision: null,
      servedModel: null,
      attempts: [],
      costUsd: 0,
      // Named by the client's header even though the request never reached routing.
      tenant: 'acme-corp',
    });
    expect(row.errorMessage).toContain('messages');
  });

  it.runIf(variant.name !== VARIANTS[0]?.name)('holds every request in the store itself', () => {
    expect(direct.size).toBe(SCENARIOS.length);
    // The scenarios and the last request (which may still be queued when counted).
    expect(storeRowCount).toBeGreaterThanOrEqual(SCENARIOS.length);
    expect(storeRowCount).toBeLessThanOrEqual(SCENARIOS.length + 1);
  });
});
