/** The HTTP surface over a real socket: bad input, limits, discovery, health, and client aborts. */

import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../../src/app.ts';
import { loadConfigText } from '../../src/config/load.ts';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ bodyLimitBytes: 64 * 1024 });
});
afterAll(async () => {
  await stack.close();
});

async function post(
  path: string,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) {
  const response = await fetch(`${stack.gatewayUrl}${path}`, { method: 'POST', headers, body });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as {
      error: { type: string; code: string; param: string | null; message: string };
    },
  };
}

describe('bad input gets a clear OpenAI-shaped error and the process stays up', () => {
  it('malformed JSON → 400 invalid_json', async () => {
    const { status, json, headers } = await post('/v1/chat/completions', '{"model": "auto", "messages": [');
    expect(status).toBe(400);
    expect(json.error.code).toBe('invalid_json');
    expect(json.error.type).toBe('invalid_request_error');
    expect(headers.get('x-switchyard-request-id')).toMatch(/^req_/);
  });

  it('empty body → 400 invalid_json', async () => {
    const { status, json } = await post('/v1/chat/completions', '');
    expect(status).toBe(400);
    expect(json.error.code).toBe('invalid_json');
  });

  it('a body over the limit → 413 payload_too_large', async () => {
    const big = JSON.stringify({
      model: 'auto',
      messages: [{ role: 'user', content: 'x'.repeat(100 * 1024) }],
    });
    const { status, json } = await post('/v1/chat/completions', big);
    expect(status).toBe(413);
    expect(json.error.code).toBe('payload_too_large');
  });

  it('a non-JSON content type → 415', async () => {
    const { status, json } = await post('/v1/chat/completions', 'hello', { 'content-type': 'text/plain' });
    expect(status).toBe(415);
    expect(json.error.code).toBe('unsupported_media_type');
  });

  it('a JSON value that is not an object → 400 naming the problem', async () => {
    const { status, json } = await post('/v1/chat/completions', '[1,2,3]');
    expect(status).toBe(400);
    expect(json.error.code).toBe('invalid_request');
  });

  it('a bad nested field → 400 with its path', async () => {
    const { status, json } = await post(
      '/v1/chat/completions',
      JSON.stringify({
        model: 'auto',
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f' } }] },
        ],
      }),
    );
    expect(status).toBe(400);
    expect(json.error.param).toBe('messages[1].tool_calls[0].function.arguments');
  });

  it('an unknown endpoint → 404 in the OpenAI shape', async () => {
    const response = await fetch(`${stack.gatewayUrl}/v1/nope`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('route_not_found');
  });

  it('is still healthy after all of that', async () => {
    const response = await fetch(`${stack.gatewayUrl}/healthz`);
    expect(response.status).toBe(200);
  });
});

describe('discovery and health', () => {
  it('lists models, routes and auto', async () => {
    const response = await fetch(`${stack.gatewayUrl}/v1/models`);
    const body = (await response.json()) as { object: string; data: { id: string; object: string }[] };
    expect(body.object).toBe('list');
    const ids = body.data.map((entry) => entry.id);
    expect(ids).toEqual(expect.arrayContaining(['auto', 'default', 'resilient', 'fast', 'strong', 'tiny']));
    expect(body.data.every((entry) => entry.object === 'model')).toBe(true);
    const fast = body.data.find((entry) => entry.id === 'fast') as unknown as {
      switchyard: { kind: string; note?: string };
    };
    expect(fast.switchyard).toMatchObject({ kind: 'model', note: 'the cheap default' });
    const strong = body.data.find((entry) => entry.id === 'strong') as unknown as { switchyard: object };
    expect(strong.switchyard).not.toHaveProperty('note');
  });

  it('is live and ready', async () => {
    expect((await fetch(`${stack.gatewayUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${stack.gatewayUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { status: string }).status).toBe('ready');
  });
});

describe('client disconnect', () => {
  let upstream: Server;
  const upstreamClosed: Promise<void>[] = [];
  let markArrived: () => void = () => undefined;
  let arrived = new Promise<void>((resolve) => (markArrived = resolve));

  beforeAll(async () => {
    // An upstream that accepts the call and never answers, and tells us when its socket closes.
    upstream = createServer((incoming: IncomingMessage) => {
      upstreamClosed.push(new Promise<void>((resolve) => incoming.socket.once('close', () => resolve())));
      markArrived();
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    upstream.closeAllConnections();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  for (const stream of [false, true]) {
    it(`aborts the upstream call promptly (${stream ? 'stream' : 'non-stream'})`, async () => {
      arrived = new Promise<void>((resolve) => (markArrived = resolve));
      const port = (upstream.address() as AddressInfo).port;
      const config = await loadConfigText(
        `server: { log_level: silent }
providers:
  silent: { type: openai-compatible, base_url: "http://127.0.0.1:${port}/v1" }
models:
  hang: { provider: silent, context_window: 8000, max_output_tokens: 100, pricing: { input_per_million: 1, output_per_million: 1 } }
routes: [{ name: default, targets: [hang] }]
`,
        { env: {} },
      );
      const gateway = await createGateway(config, pino({ level: 'silent' }));
      const { port: gatewayPort } = await gateway.listen(0, '127.0.0.1');
      try {
        const before = upstreamClosed.length;
        const clientRequest = httpRequest({
          host: '127.0.0.1',
          port: gatewayPort,
          method: 'POST',
          path: '/v1/chat/completions',
          headers: { 'content-type': 'application/json' },
        });
        clientRequest.on('error', () => undefined);
        clientRequest.end(
          JSON.stringify({ model: 'auto', stream, messages: [{ role: 'user', content: 'hi' }] }),
        );
        await arrived;
        expect(upstreamClosed.length).toBe(before + 1);
        const abortedAt = performance.now();
        clientRequest.destroy();
        await upstreamClosed[before];
        expect(performance.now() - abortedAt).toBeLessThan(1000);
      } finally {
        await gateway.close();
      }
    });
  }

  it('aborts every attempt in flight: both calls of a hedged request', async () => {
    const port = (upstream.address() as AddressInfo).port;
    const model = `{ provider: silent, context_window: 8000, max_output_tokens: 100, pricing: { input_per_million: 1, output_per_million: 1 } }`;
    const config = await loadConfigText(
      `server: { log_level: silent }
providers:
  silent: { type: openai-compatible, base_url: "http://127.0.0.1:${port}/v1" }
models:
  first: ${model}
  second: ${model}
routes: [{ name: default, targets: [first, second], hedge: { after_ms: 20 } }]
`,
      { env: {} },
    );
    const gateway = await createGateway(config, pino({ level: 'silent' }));
    const { port: gatewayPort } = await gateway.listen(0, '127.0.0.1');
    try {
      const before = upstreamClosed.length;
      const clientRequest = httpRequest({
        host: '127.0.0.1',
        port: gatewayPort,
        method: 'POST',
        path: '/v1/chat/completions',
        headers: { 'content-type': 'application/json' },
      });
      clientRequest.on('error', () => undefined);
      clientRequest.end(JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }));
      const deadline = performance.now() + 2_000;
      while (upstreamClosed.length < before + 2 && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(upstreamClosed.length).toBe(before + 2);
      const abortedAt = performance.now();
      clientRequest.destroy();
      await Promise.all(upstreamClosed.slice(before));
      expect(performance.now() - abortedAt).toBeLessThan(1000);
    } finally {
      await gateway.close();
    }
  });
});
