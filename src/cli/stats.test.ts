import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StatsRow } from '../telemetry/request-log/row.ts';
import { computeStats, type StatsResponse } from '../telemetry/stats.ts';
import type { CommandIo } from './validate.ts';
import { runStatsCommand, statsUrl } from './stats.ts';

function row(overrides: Partial<StatsRow>): StatsRow {
  return {
    receivedAt: 0,
    route: 'chat',
    servedModel: 'gpt-x',
    provider: 'openai',
    tenant: null,
    outcome: 'ok',
    fallback: false,
    totalMs: 250,
    ttftMs: 80,
    inputTokens: 100,
    outputTokens: 50,
    costUsd: 0.0042,
    ...overrides,
  };
}

const CANNED: StatsResponse = {
  window: '15m',
  since: '2025-06-01T11:45:00.000Z',
  until: '2025-06-01T12:00:00.000Z',
  groupBy: 'route',
  ...computeStats(
    [
      row({}),
      row({ totalMs: 900, fallback: true }),
      row({ route: 'code', totalMs: 1_500, ttftMs: null, outcome: 'upstream_timeout', costUsd: 0 }),
    ],
    'route',
  ),
};
const CANNED_TEXT = JSON.stringify(CANNED);

interface Answer {
  readonly status: number;
  readonly body: string;
}

let answer: Answer = { status: 200, body: CANNED_TEXT };
const seen: string[] = [];
let server: Server;
let baseUrl = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push(request.url ?? '');
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  answer = { status: 200, body: CANNED_TEXT };
  seen.length = 0;
});

async function stats(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = { env: {}, stdout: (text) => out.push(text), stderr: (text) => err.push(text) };
  const code = await runStatsCommand(args, io);
  return { code, out: out.join(''), err: err.join('') };
}

describe('switchyard stats', () => {
  it('asks for the window and grouping and prints the table', async () => {
    const result = await stats(['--url', baseUrl, '--window', '15m', '--group-by', 'route']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(seen).toEqual(['/v1/stats?window=15m&group_by=route']);
    const lines = result.out.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'Requests in the last 15m (2025-06-01T11:45:00.000Z to 2025-06-01T12:00:00.000Z), by route',
    );
    expect(lines[2]).toMatch(/^ROUTE\s+REQUESTS\s+ERRORS\s+FALLBACK\s+P50 ms\s+P95 ms\s+P99 ms\s+MAX ms/);
    expect(lines[3]).toMatch(
      /^chat\s+2\s+0\.00%\s+50\.00%\s+250\s+900\s+900\s+900\s+80\s+80\s+80\s+200\s+100/,
    );
    expect(lines[4]).toMatch(/^code\s+1\s+100\.00%\s+0\.00%\s+1500\s+1500\s+1500\s+1500\s+-\s+-\s+-/);
    expect(lines[6]).toMatch(/^\(total\)\s+3\s+33\.33%/);
    // Every line of the table is as wide as its header or narrower (trailing blanks trimmed).
    for (const line of lines.slice(3)) expect(line.length).toBeLessThanOrEqual(lines[2]!.length);
  });

  it('defaults to the local gateway, the last hour and no grouping', async () => {
    expect(statsUrl(new URL('http://127.0.0.1:8080'), '1h', 'none')).toBe(
      'http://127.0.0.1:8080/v1/stats?window=1h&group_by=none',
    );
    // A gateway behind a path prefix keeps it.
    expect(statsUrl(new URL('https://gw.example/switchyard/'), '7d', 'tenant')).toBe(
      'https://gw.example/switchyard/v1/stats?window=7d&group_by=tenant',
    );
    const result = await stats(['--url', `${baseUrl}/`]);
    expect(result.code).toBe(0);
    expect(seen).toEqual(['/v1/stats?window=1h&group_by=none']);
  });

  it('prints the JSON as is with --json', async () => {
    const result = await stats(['--url', baseUrl, '--json']);
    expect(result.code).toBe(0);
    expect(result.out).toBe(`${CANNED_TEXT}\n`);
  });

  it.each([
    [
      ['--window', '1x'],
      /--window must be a duration like 30s, 15m, 1h, 24h or 7d \(at most 30d\), got '1x'/,
    ],
    [['--window', '60d'], /--window .* got '60d'/],
    [
      ['--group-by', 'region'],
      /--group-by must be one of none, route, model, provider, tenant, got 'region'/,
    ],
    [['--url', 'localhost:8080'], /--url must be an http:\/\/ or https:\/\/ URL, got 'localhost:8080'/],
    [['--url', 'not a url'], /--url must be an http/],
    [['--verbose'], /--verbose/],
    [['--window'], /--window/],
  ])('exits 2 naming the flag for %j', async (args, message) => {
    const result = await stats(['--url', baseUrl, ...args]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.err).toContain('switchyard stats [--url');
    expect(seen).toEqual([]);
  });

  it('prints the help with --help', async () => {
    const result = await stats(['--help']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^switchyard stats \[--url http:\/\/127\.0\.0\.1:8080\]/);
  });

  it('exits 1 when the gateway cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await stats(['--url', `http://127.0.0.1:${port}`]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      new RegExp(
        `^switchyard stats: cannot reach the gateway at http://127\\.0\\.0\\.1:${port}/v1/stats\\?.*ECONNREFUSED`,
      ),
    );
    expect(result.out).toBe('');
  });

  it('exits 1 with the message of an error answer', async () => {
    answer = {
      status: 400,
      body: JSON.stringify({
        error: {
          message: "'window' must be at most 30d; got '31d'",
          type: 'invalid_request_error',
          param: 'window',
          code: 'invalid_request',
        },
      }),
    };
    const result = await stats(['--url', baseUrl, '--json']);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      "switchyard stats: the gateway answered 400 invalid_request: 'window' must be at most 30d; got '31d'\n",
    );
    expect(result.out).toBe('');
  });

  it('exits 1 on an answer that is not JSON or not a stats response', async () => {
    answer = { status: 502, body: 'Bad Gateway' };
    let result = await stats(['--url', baseUrl]);
    expect(result.code).toBe(1);
    expect(result.err).toBe('switchyard stats: the gateway answered 502: Bad Gateway\n');

    answer = { status: 200, body: '{"hello":"world"}' };
    result = await stats(['--url', baseUrl]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/is not a stats response: \{"hello":"world"\}/);
  });
});
