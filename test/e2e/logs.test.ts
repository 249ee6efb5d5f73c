/**
 * What leaves the gateway besides answers: its log lines and stored bodies. Every line about a request
 * names it (`requestId`, the `x-switchyard-request-id` the client got); provider keys and the client's
 * Authorization header never appear, even at debug level and with upstream failures; stored bodies are
 * off by default and redacted when a route opts in; `x-switchyard-overhead-ms` is on every answer.
 *
 * The logger here is plain pino with no redaction paths, so a secret absent from its output was never
 * logged at all — stricter than the production logger, which also censors known credential fields.
 */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/app.ts';
import { loadConfigText } from '../../src/config/load.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';
import type { RequestLogRow } from '../../src/telemetry/request-log/row.ts';

const PROVIDER_KEY = 'sk-secret-XYZ';
const CLIENT_KEY = 'client-secret-ABC';
const CUSTOM_SECRET = 'TICKET-424242';
const PROMPT_KEY = `sk-proj-${'a1B2'.repeat(6)}`;
const PROMPT = `my key is ${PROMPT_KEY} and my mail is jane.doe@example.com, ref ${CUSTOM_SECRET}`;

const PRICED = 'context_window: 128000, pricing: { input_per_million: 1, output_per_million: 2 }';

let simulator: RunningSimulator;
/** An upstream that answers every call with a 500 quoting the credentials it was sent, as some do. */
let echo: Server;
let gateway: Gateway;
let url: string;
let dir: string;
let closed: Promise<void> | undefined;
const closeGateway = (): Promise<void> => (closed ??= gateway.close());
const lines: string[] = [];

beforeAll(async () => {
  simulator = await startSimulator({ latency: 'zero' });
  echo = createServer((request, response) => {
    request.resume();
    const message = `Incorrect API key provided: ${request.headers.authorization ?? '(none)'}`;
    response.writeHead(500, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { message, type: 'server_error', code: null } }));
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  dir = mkdtempSync(join(tmpdir(), 'switchyard-logs-'));
  const config = await loadConfigText(
    `
server: { log_level: debug }
providers:
  upstream:
    type: openai-compatible
    base_url: '\${SIM_URL}'
    api_key: ${PROVIDER_KEY}
    forward_headers: [x-sim-fault]
  echoing: { type: openai-compatible, base_url: '\${ECHO_URL}', api_key: ${PROVIDER_KEY} }
models:
  fast: { provider: upstream, upstream: sim-lite, ${PRICED} }
  strong: { provider: upstream, upstream: sim-strong, ${PRICED} }
  echoed: { provider: echoing, upstream: anything, ${PRICED} }
routes:
  - { name: default, targets: [fast, strong] }
  - { name: quoting, targets: [echoed] }
  - { name: with-bodies, targets: [fast], log_bodies: true }
default_route: default
circuit_breaker: { failure_threshold: 0 }
request_log: { store: sqlite, path: '${join(dir, 'requests.sqlite')}', redact: ['TICKET-[0-9]+'] }
`,
    {
      env: {
        SIM_URL: simulator.url,
        ECHO_URL: `http://127.0.0.1:${(echo.address() as AddressInfo).port}/v1`,
      },
      source: 'logs.yaml',
    },
  );
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  gateway = await createGateway(config, pino({ level: 'debug' }, sink));
  url = (await gateway.listen(0, '127.0.0.1')).url;
});

afterAll(async () => {
  if (gateway !== undefined) await closeGateway();
  await simulator?.close();
  if (echo !== undefined) await new Promise((resolve) => echo.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  readonly id: string;
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

async function post(body: object | string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    id: response.headers.get('x-switchyard-request-id') ?? '',
    status: response.status,
    headers: response.headers,
    text,
  };
}

const ask = (model: string, extra: object = {}): object => ({
  model,
  messages: [{ role: 'user', content: 'Tell me about tides.' }],
  max_tokens: 8,
  ...extra,
});
const fault = (spec: string): Record<string, string> => ({ 'x-sim-fault': `${spec}; key=${randomUUID()}` });

type LogLine = Readonly<Record<string, unknown>>;

/** The lines logged while `act` ran. */
async function loggedDuring(act: () => Promise<void>): Promise<{ text: string; parsed: LogLine[] }> {
  const first = lines.length;
  await act();
  // pino writes synchronously to the sink; one turn lets a line of the last request land.
  await new Promise((resolve) => setImmediate(resolve));
  const captured = lines.slice(first);
  return { text: captured.join('\n'), parsed: captured.map((line) => JSON.parse(line) as LogLine) };
}

describe('log lines', () => {
  it('name their request on every line, with the id the client got', async () => {
    const answers: Answer[] = [];
    const { parsed } = await loggedDuring(async () => {
      answers.push(await post(ask('default'), fault('server_error'))); // fails everywhere: warn
      answers.push(
        await post(ask('default', { stream: true, max_tokens: 30 }), fault('stream_truncate; after=3')),
      );
      answers.push(await post({ model: 'default', max_tokens: 8 })); // bad input: debug
      answers.push(await post('{"model": "default", "messages": [')); // unparseable JSON: debug
      answers.push(await post(ask('default'))); // a success logs nothing
    });
    expect(answers.map((answer) => answer.status)).toEqual([502, 200, 400, 400, 200]);
    const ids = new Set(answers.map((answer) => answer.id));
    expect(ids.size).toBe(answers.length);

    const aboutRequests = parsed.filter((line) =>
      ['requestId', 'reqId', 'req', 'res'].some((key) => key in line),
    );
    expect(aboutRequests.length).toBeGreaterThanOrEqual(4);
    for (const line of aboutRequests) {
      expect(line.requestId, JSON.stringify(line)).toEqual(expect.any(String));
      expect(ids.has(String(line.requestId)), JSON.stringify(line)).toBe(true);
    }
    // The four failures, each on its own line and under its own id.
    expect(new Set(aboutRequests.map((line) => line.requestId))).toEqual(
      new Set(answers.slice(0, 4).map((a) => a.id)),
    );
  });

  it('never carry the provider key or the client Authorization header, at debug level, through failures', async () => {
    const { text } = await loggedDuring(async () => {
      await post(ask('default'), fault('server_error'));
      await post(ask('default'), fault('server_error; times=1'));
      await post(ask('default'), fault('unavailable'));
      await post(ask('default', { stream: true, max_tokens: 30 }), fault('stream_cut; after=3'));
      await post(ask('default'), { ...fault('server_error'), 'x-api-key': CLIENT_KEY });
      await post({ model: 'default' });
    });
    expect(text.length).toBeGreaterThan(0);
    for (const secret of [PROVIDER_KEY, CLIENT_KEY]) expect(text).not.toContain(secret);
    expect(lines.join('\n')).not.toContain(PROVIDER_KEY);
  });

  it('never carry the provider key even when the upstream quotes it back in its error', async () => {
    let answer: Answer | undefined;
    const { text, parsed } = await loggedDuring(async () => {
      answer = await post(ask('quoting'));
    });
    expect(answer?.status).toBe(502);
    expect(parsed.some((line) => line.requestId === answer?.id)).toBe(true);
    expect(text).not.toContain(CLIENT_KEY);
    expect.soft(text, 'the log line').not.toContain(PROVIDER_KEY);
    // Where the same message goes too: the client's error body and the request-log row.
    expect.soft(answer?.text, 'the error sent to the client').not.toContain(PROVIDER_KEY);
    const row = await (await fetch(`${url}/v1/requests/${answer?.id}`)).text();
    expect.soft(row, 'the request-log row').not.toContain(PROVIDER_KEY);
  });
});

describe('x-switchyard-overhead-ms', () => {
  it('is on JSON and streamed answers, a number of milliseconds', async () => {
    for (const answer of [await post(ask('default')), await post(ask('default', { stream: true }))]) {
      expect(answer.status).toBe(200);
      const overhead = answer.headers.get('x-switchyard-overhead-ms');
      expect(overhead).toMatch(/^\d+(\.\d+)?$/);
      expect(Number(overhead)).toBeGreaterThanOrEqual(0);
      expect(Number(overhead)).toBeLessThan(1_000);
    }
  });
});

describe('stored bodies', () => {
  async function record(id: string): Promise<RequestLogRow> {
    const response = await fetch(`${url}/v1/requests/${id}`);
    expect(response.status).toBe(200);
    return (await response.json()) as RequestLogRow;
  }

  it('are off by default', async () => {
    const answer = await post(ask('default', { messages: [{ role: 'user', content: PROMPT }] }));
    expect(await record(answer.id)).toMatchObject({ route: 'default', prompt: null, completion: null });
  });

  it('are kept on a route that opts in, with keys, emails and configured patterns redacted', async () => {
    const plain = await post(ask('with-bodies', { messages: [{ role: 'user', content: PROMPT }] }));
    const streamed = await post(
      ask('with-bodies', { messages: [{ role: 'user', content: PROMPT }], stream: true }),
    );
    for (const answer of [plain, streamed]) {
      const row = await record(answer.id);
      const prompt = JSON.stringify(row.prompt);
      expect(prompt).toContain('my key is [redacted] and my mail is [redacted], ref [redacted]');
      for (const secret of [PROMPT_KEY, 'jane.doe', 'example.com', CUSTOM_SECRET])
        expect(prompt).not.toContain(secret);
      expect(row.completion).toEqual(expect.any(String));
      expect(row.completion?.length).toBeGreaterThan(0);
    }
    const body = JSON.parse(plain.text) as { choices: { message: { content: string } }[] };
    expect((await record(plain.id)).completion).toBe(body.choices[0]?.message.content);
    let streamedText = '';
    for (const line of streamed.text.split('\n').filter((l) => l.startsWith('data: {'))) {
      const chunk = JSON.parse(line.slice(6)) as { choices?: { delta?: { content?: string } }[] };
      streamedText += chunk.choices?.[0]?.delta?.content ?? '';
    }
    expect((await record(streamed.id)).completion).toBe(streamedText);
  });

  it('never reach the SQLite file unredacted', async () => {
    await post(ask('with-bodies', { messages: [{ role: 'user', content: PROMPT }] }));
    await closeGateway(); // writes every queued row
    const files = readdirSync(dir);
    expect(files).toContain('requests.sqlite');
    const bytes = files.map((file) => readFileSync(join(dir, file)).toString('latin1')).join('');
    expect(bytes).toContain('[redacted]');
    // (The provider key quoted back by an upstream above is that test's concern, not the bodies'.)
    for (const secret of [PROMPT_KEY, 'jane.doe@example.com', CUSTOM_SECRET, CLIENT_KEY]) {
      expect(bytes).not.toContain(secret);
    }
  });
});
