import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayClient, type ChatCall, type GatewayClient } from './gateway-client.ts';

/** A canned gateway: the requested model name picks the answer. */
function answer(model: string, body: Record<string, unknown>, response: ServerResponse): void {
  const chunk = (delta: Record<string, unknown>): string =>
    `data: ${JSON.stringify({ choices: [{ index: 0, delta }] })}\n\n`;
  switch (model) {
    case 'whole':
      response.writeHead(200, {
        'content-type': 'application/json',
        'x-switchyard-model': 'lite',
        'x-switchyard-provider': 'sim',
        'x-switchyard-cost-usd': '0.00012000',
      });
      response.end(
        JSON.stringify({
          choices: [{ message: { role: 'assistant', content: 'Paris' } }],
          usage: { prompt_tokens: 12, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 4 } },
          echo: body,
        }),
      );
      return;
    case 'limited':
      response.writeHead(429, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          error: { message: 'slow down', type: 'rate_limit_error', code: 'upstream_rate_limited' },
        }),
      );
      return;
    case 'proxy-error':
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<html>bad gateway</html>');
      return;
    case 'stream':
    case 'stream-error':
    case 'stream-cut':
      response.writeHead(200, { 'content-type': 'text/event-stream', 'x-switchyard-model': 'lite' });
      response.write(chunk({ role: 'assistant', content: '' }));
      setTimeout(() => {
        response.write(chunk({ content: 'Hel' }));
        response.write(chunk({ content: 'lo' }));
        if (model === 'stream-error') {
          response.end(
            `data: ${JSON.stringify({ error: { message: 'cut', code: 'stream_truncated' } })}\n\n`,
          );
        } else if (model === 'stream-cut') {
          response.end();
        } else {
          response.write(
            `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 2 } })}\n\n`,
          );
          response.end('data: [DONE]\n\n');
        }
      }, 20);
      return;
    default:
      response.writeHead(404).end();
  }
}

let server: Server;
let client: GatewayClient;
let lastBody: Record<string, unknown> = {};

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      if (request.url === '/v1/models') {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[]}');
        return;
      }
      lastBody = JSON.parse(text) as Record<string, unknown>;
      answer(String(lastBody.model), lastBody, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = createGatewayClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, 4);
});

afterAll(async () => {
  await client.close();
  await new Promise((resolve) => server.close(resolve));
});

function call(model: string, overrides: Partial<ChatCall> = {}): ChatCall {
  return {
    model,
    messages: [{ role: 'user', content: 'hi' }],
    maxTokens: undefined,
    jsonSchema: undefined,
    stream: false,
    ...overrides,
  };
}
const signal = new AbortController().signal;

describe('gateway client', () => {
  it('reads a whole answer, its usage, what served it and the cost header', async () => {
    const result = await client.chat(call('whole', { maxTokens: 5, jsonSchema: { type: 'object' } }), signal);
    expect(result).toMatchObject({
      ok: true,
      text: 'Paris',
      usage: { inputTokens: 12, outputTokens: 3, cachedInputTokens: 4 },
      servedModel: 'lite',
      provider: 'sim',
      headerCostUsd: 0.00012,
      ttftMs: undefined,
    });
    expect(result.latencyMs).toBeGreaterThan(0);
    expect(lastBody).toMatchObject({
      max_tokens: 5,
      response_format: { type: 'json_schema', json_schema: { name: 'expected', schema: { type: 'object' } } },
    });
    expect(lastBody.stream).toBeUndefined();
  });

  it("classifies failures by the gateway's error code, else by HTTP status", async () => {
    expect(await client.chat(call('limited'), signal)).toMatchObject({
      ok: false,
      errorCode: 'upstream_rate_limited',
      errorMessage: 'slow down',
    });
    expect(await client.chat(call('proxy-error'), signal)).toMatchObject({
      ok: false,
      errorCode: 'http_502',
    });
  });

  it('times the first token of a stream and takes usage from its last chunk', async () => {
    const result = await client.chat(call('stream', { stream: true }), signal);
    expect(lastBody).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(result).toMatchObject({
      ok: true,
      text: 'Hello',
      usage: { inputTokens: 5, outputTokens: 2 },
      servedModel: 'lite',
    });
    // The role-only first chunk is not content: the first token came after the server's 20 ms pause.
    expect(result.ttftMs).toBeGreaterThanOrEqual(15);
    expect(result.latencyMs).toBeGreaterThanOrEqual(result.ttftMs ?? Infinity);
  });

  it('fails a stream on an in-band error or a missing [DONE]', async () => {
    expect(await client.chat(call('stream-error', { stream: true }), signal)).toMatchObject({
      ok: false,
      errorCode: 'stream_truncated',
      errorMessage: 'cut',
      text: 'Hello',
    });
    expect(await client.chat(call('stream-cut', { stream: true }), signal)).toMatchObject({
      ok: false,
      errorCode: 'stream_truncated',
    });
  });

  it('reports an unreachable gateway as a client-side failure', async () => {
    const unreachable = createGatewayClient('http://127.0.0.1:1', 1);
    try {
      const result = await unreachable.chat(call('whole'), signal);
      expect(result.ok).toBe(false);
      expect(result.errorCode).toMatch(/^client_/);
    } finally {
      await unreachable.close();
    }
  });
});
