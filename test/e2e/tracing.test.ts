/**
 * OTLP traces over real sockets: a collector stand-in receives what the gateway exports (OTLP/HTTP
 * JSON) — one server span per request with a client span per upstream attempt, GenAI attributes on
 * both — and a sample ratio of 0 exports nothing.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../../src/app.ts';
import { loadConfigText } from '../../src/config/load.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';

interface OtlpValue {
  readonly stringValue?: string;
  readonly intValue?: string | number;
  readonly doubleValue?: number;
  readonly boolValue?: boolean;
}
interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly attributes: readonly { readonly key: string; readonly value: OtlpValue }[];
  readonly status?: { readonly code?: number };
}
interface OtlpExport {
  readonly resourceSpans: readonly {
    readonly resource: { readonly attributes: readonly { key: string; value: OtlpValue }[] };
    readonly scopeSpans: readonly { readonly spans: readonly OtlpSpan[] }[];
  }[];
}

const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;
const STATUS_ERROR = 2;

let simulator: RunningSimulator;
let collector: Server;
let collectorUrl: string;
const exports: OtlpExport[] = [];

beforeAll(async () => {
  simulator = await startSimulator({ latency: 'zero' });
  collector = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      exports.push(JSON.parse(body) as OtlpExport);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => collector.close(() => resolve()));
  await simulator.close();
});

const MODEL = `{ provider: upstream, upstream: sim-lite, context_window: 128000, pricing: { input_per_million: 1, output_per_million: 2 } }`;

async function runGateway(sampleRatio: number, send: (url: string) => Promise<void>): Promise<void> {
  const config = await loadConfigText(
    `server: { log_level: silent }
providers:
  upstream: { type: openai-compatible, base_url: '\${SIM_URL}', forward_headers: [x-sim-fault] }
models:
  primary: ${MODEL}
  backup: ${MODEL}
routes: [{ name: chain, targets: [primary, backup] }]
circuit_breaker: { failure_threshold: 0 }
tracing: { otlp_endpoint: '${collectorUrl}', service_name: switchyard-test, sample_ratio: ${sampleRatio} }
`,
    { env: { SIM_URL: simulator.url }, source: 'tracing.yaml' },
  );
  const gateway = await createGateway(config, pino({ level: 'silent' }));
  const { url } = await gateway.listen(0, '127.0.0.1');
  try {
    await send(url);
  } finally {
    await gateway.close(); // flushes the span processor
  }
}

async function chat(url: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'chain', messages: [{ role: 'user', content: 'hi' }], max_tokens: 8 }),
  });
  await response.arrayBuffer();
  return response.headers.get('x-switchyard-request-id') ?? '';
}

const attribute = (span: OtlpSpan, key: string): OtlpValue | undefined =>
  span.attributes.find((entry) => entry.key === key)?.value;
const spansOf = (batch: readonly OtlpExport[]): OtlpSpan[] =>
  batch.flatMap((item) =>
    item.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)),
  );

describe('OTLP traces', () => {
  it('export a server span per request and a client span per attempt, with GenAI attributes', async () => {
    exports.length = 0;
    let requestId = '';
    await runGateway(1, async (url) => {
      requestId = await chat(url, { 'x-sim-fault': 'server_error; times=1; key=tracing-1' });
    });
    const spans = spansOf(exports);
    const root = spans.find((span) => attribute(span, 'switchyard.request_id')?.stringValue === requestId);
    expect(root).toBeDefined();
    if (root === undefined) return;
    expect(root.kind).toBe(SPAN_KIND_SERVER);
    expect(root.name).toBe('chat chain');
    expect(attribute(root, 'gen_ai.operation.name')?.stringValue).toBe('chat');
    expect(attribute(root, 'gen_ai.response.model')?.stringValue).toBe('backup');
    expect(attribute(root, 'switchyard.fallback')?.boolValue).toBe(true);
    expect(Number(attribute(root, 'gen_ai.usage.output_tokens')?.intValue)).toBeGreaterThan(0);
    const children = spans.filter((span) => span.parentSpanId === root.spanId);
    expect(children.map((span) => [span.kind, span.name])).toEqual([
      [SPAN_KIND_CLIENT, 'chat primary'],
      [SPAN_KIND_CLIENT, 'chat backup'],
    ]);
    expect(children.every((span) => span.traceId === root.traceId)).toBe(true);
    const [failed, served] = children;
    expect(attribute(failed as OtlpSpan, 'error.type')?.stringValue).toBe('upstream_server_error');
    expect(failed?.status?.code).toBe(STATUS_ERROR);
    expect(attribute(served as OtlpSpan, 'switchyard.deployment')?.stringValue).toBe('upstream/sim-lite');
    // Attempts sit inside the request's span.
    for (const child of children) {
      expect(BigInt(child.startTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(root.startTimeUnixNano));
      expect(BigInt(child.endTimeUnixNano)).toBeLessThanOrEqual(BigInt(root.endTimeUnixNano));
    }
    const service = exports[0]?.resourceSpans[0]?.resource.attributes.find(
      (entry) => entry.key === 'service.name',
    );
    expect(service?.value.stringValue).toBe('switchyard-test');
  });

  it('export nothing for requests the sample ratio leaves out', async () => {
    exports.length = 0;
    await runGateway(0, async (url) => {
      await chat(url);
      await chat(url);
    });
    expect(spansOf(exports)).toEqual([]);
  });
});
