import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.ts';
import { createHttpTransport, type HttpTransport, type OutboundRequest } from './http-transport.ts';

type Route = (request: IncomingMessage, response: ServerResponse, body: string) => void;

const routes = new Map<string, Route>();
const sockets = new Set<Socket>();
let connectionCount = 0;
/** Resolves when the server sees the socket of the most recent request close. */
let lastRequestSocketClosed: Promise<void> = Promise.resolve();
let lastRequestArrived: () => void = () => {};
let requestArrived: Promise<void> = Promise.resolve();
let server: Server;
let baseUrl: string;
let transport: HttpTransport;

function expectRequest(): void {
  requestArrived = new Promise((resolve) => (lastRequestArrived = resolve));
}

beforeAll(async () => {
  server = createServer((request, response) => {
    const socket = request.socket;
    lastRequestSocketClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (text: string) => (body += text));
    request.on('end', () => {
      lastRequestArrived();
      const route = routes.get(request.url ?? '');
      if (route === undefined) {
        response.writeHead(404).end();
        return;
      }
      route(request, response, body);
    });
  });
  server.on('connection', (socket: Socket) => {
    connectionCount++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

beforeEach(() => {
  transport = createHttpTransport();
});

afterEach(async () => {
  await transport.close();
  routes.clear();
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

function outbound(path: string, overrides: Partial<OutboundRequest> = {}): OutboundRequest {
  return {
    url: `${baseUrl}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    signal: new AbortController().signal,
    timeouts: { connectMs: 1_000, headersMs: 5_000, bodyIdleMs: 5_000 },
    maxConnections: 4,
    ...overrides,
  };
}

async function readAll(body: AsyncIterable<Uint8Array>): Promise<string[]> {
  const decoder = new TextDecoder();
  const chunks: string[] = [];
  for await (const chunk of body) chunks.push(decoder.decode(chunk));
  return chunks;
}

async function gatewayErrorFrom(promise: Promise<unknown>): Promise<GatewayError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe('createHttpTransport', () => {
  it('sends method, headers and body, and exposes status, lower-case headers and the body', async () => {
    routes.set('/echo?x=1', (request, response, body) => {
      response.setHeader('X-Mixed-Case', 'yes');
      response.setHeader('Set-Cookie', ['a=1', 'b=2']);
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ method: request.method, auth: request.headers.authorization, body }));
    });
    const response = await transport.send(
      outbound('/echo?x=1', { headers: { authorization: 'Bearer k' }, body: '{"hello":"wörld"}' }),
    );
    expect(response.status).toBe(201);
    expect(response.headers['x-mixed-case']).toBe('yes');
    expect(response.headers['set-cookie']).toBe('a=1, b=2');
    expect(await response.json()).toEqual({ method: 'POST', auth: 'Bearer k', body: '{"hello":"wörld"}' });
  });

  it('reuses one keep-alive connection for sequential requests to the same origin', async () => {
    routes.set('/ok', (_request, response) => response.end('ok'));
    const before = connectionCount;
    for (let round = 0; round < 5; round++) {
      expect(await (await transport.send(outbound('/ok'))).text()).toBe('ok');
      // undici waits one event-loop turn before reusing a socket (a server may close despite keep-alive);
      // a request sent sooner takes another pooled connection, which is right under load.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(connectionCount - before).toBe(1);
  });

  it('yields body chunks as they arrive', async () => {
    routes.set('/chunks', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('one ');
      setTimeout(() => response.write('two '), 20);
      setTimeout(() => response.end('three'), 40);
    });
    const response = await transport.send(outbound('/chunks'));
    expect((await readAll(response.body)).join('')).toBe('one two three');
  });

  it('delivers a large body intact through a slow consumer (the socket is paused, not buffered)', async () => {
    const block = 'x'.repeat(64 * 1024);
    routes.set('/large', (_request, response) => {
      response.writeHead(200);
      for (let index = 0; index < 32; index++) response.write(block);
      response.end();
    });
    const response = await transport.send(outbound('/large'));
    let total = 0;
    for await (const chunk of response.body) {
      total += chunk.byteLength;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(total).toBe(32 * block.length);
  });

  it('maps a refused connection to upstream_connection_failed', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await gatewayErrorFrom(transport.send(outbound('/', { url: `http://127.0.0.1:${port}/` })));
    expect(error.code).toBe('upstream_connection_failed');
  });

  it('maps a socket closed before the headers to upstream_connection_failed', async () => {
    routes.set('/hangup', (request) => request.socket.destroy());
    const error = await gatewayErrorFrom(transport.send(outbound('/hangup')));
    expect(error.code).toBe('upstream_connection_failed');
  });

  it('maps a headers timeout to upstream_timeout', async () => {
    routes.set('/silent', () => {});
    const timeouts = { connectMs: 1_000, headersMs: 200, bodyIdleMs: 5_000 };
    const error = await gatewayErrorFrom(transport.send(outbound('/silent', { timeouts })));
    expect(error.code).toBe('upstream_timeout');
  });

  it('throws upstream_timeout from the body iterator when the body goes idle', async () => {
    routes.set('/stall', (_request, response) => {
      response.writeHead(200);
      response.write('partial');
    });
    const timeouts = { connectMs: 1_000, headersMs: 5_000, bodyIdleMs: 200 };
    const response = await transport.send(outbound('/stall', { timeouts }));
    const error = await gatewayErrorFrom(readAll(response.body));
    expect(error.code).toBe('upstream_timeout');
  });

  it('throws upstream_connection_failed from the body iterator when the connection resets mid-body', async () => {
    routes.set('/reset', (request, response) => {
      response.writeHead(200);
      response.write('partial');
      setTimeout(() => request.socket.destroy(), 20);
    });
    const response = await transport.send(outbound('/reset'));
    const chunks: string[] = [];
    const decoder = new TextDecoder();
    const error = await gatewayErrorFrom(
      (async () => {
        for await (const chunk of response.body) chunks.push(decoder.decode(chunk));
      })(),
    );
    expect(error.code).toBe('upstream_connection_failed');
    expect(chunks.join('')).toBe('partial');
  });

  it('rejects text() when the body fails', async () => {
    routes.set('/reset-text', (request, response) => {
      response.writeHead(200);
      response.write('partial');
      setTimeout(() => request.socket.destroy(), 20);
    });
    const response = await transport.send(outbound('/reset-text'));
    expect((await gatewayErrorFrom(response.text())).code).toBe('upstream_connection_failed');
  });

  it('aborts an unanswered request promptly: the caller gets client_closed_request and the server sees the socket close', async () => {
    routes.set('/never', () => {});
    expectRequest();
    const controller = new AbortController();
    const pending = transport.send(outbound('/never', { signal: controller.signal }));
    await requestArrived;
    const socketClosed = lastRequestSocketClosed;
    controller.abort();
    expect((await gatewayErrorFrom(pending)).code).toBe('client_closed_request');
    await socketClosed;
  });

  it('surfaces a GatewayError abort reason as-is (a deadline)', async () => {
    routes.set('/never', () => {});
    expectRequest();
    const controller = new AbortController();
    const pending = transport.send(outbound('/never', { signal: controller.signal }));
    await requestArrived;
    const deadline = new GatewayError('deadline_exceeded', 'Deadline passed');
    controller.abort(deadline);
    expect(await gatewayErrorFrom(pending)).toBe(deadline);
  });

  it('aborts in the middle of a body: the iterator throws and the server sees the socket close', async () => {
    routes.set('/drip', (_request, response) => {
      response.writeHead(200);
      response.write('first');
    });
    const controller = new AbortController();
    const response = await transport.send(outbound('/drip', { signal: controller.signal }));
    const socketClosed = lastRequestSocketClosed;
    const iterator = response.body[Symbol.asyncIterator]();
    await iterator.next();
    const next = iterator.next();
    controller.abort();
    expect((await gatewayErrorFrom(next)).code).toBe('client_closed_request');
    await socketClosed;
  });

  it('releases the upstream when the consumer stops iterating early', async () => {
    routes.set('/endless', (_request, response) => {
      response.writeHead(200);
      const timer = setInterval(() => response.write('tick'), 10);
      response.on('close', () => clearInterval(timer));
    });
    const response = await transport.send(outbound('/endless'));
    const socketClosed = lastRequestSocketClosed;
    for await (const chunk of response.body) {
      expect(chunk.byteLength).toBeGreaterThan(0);
      break;
    }
    await socketClosed;
  });

  it('keeps the connection when the consumer stops just before the body ends (the end marker was seen)', async () => {
    routes.set('/almost-done', (_request, response) => {
      response.writeHead(200);
      response.write('data: [DONE]\n\n');
      setTimeout(() => response.end(), 20);
    });
    routes.set('/ok', (_request, response) => response.end('ok'));
    const before = connectionCount;
    const response = await transport.send(outbound('/almost-done'));
    for await (const chunk of response.body) {
      expect(chunk.byteLength).toBeGreaterThan(0);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await (await transport.send(outbound('/ok'))).text()).toBe('ok');
    expect(connectionCount - before).toBe(1);
  });

  it('cuts off an abandoned body at once when more than the discard limit follows', async () => {
    routes.set('/flood', (_request, response) => {
      response.writeHead(200);
      response.write('first');
      setTimeout(() => response.write('x'.repeat(256 * 1024)), 10);
    });
    const response = await transport.send(outbound('/flood'));
    const socketClosed = lastRequestSocketClosed;
    for await (const chunk of response.body) {
      expect(chunk.byteLength).toBeGreaterThan(0);
      break;
    }
    const started = Date.now();
    await socketClosed;
    expect(Date.now() - started).toBeLessThan(200);
  });

  it('does not send a request whose signal is already aborted', async () => {
    let received = false;
    routes.set('/unreached', (_request, response) => {
      received = true;
      response.end();
    });
    const error = await gatewayErrorFrom(
      transport.send(outbound('/unreached', { signal: AbortSignal.abort() })),
    );
    expect(error.code).toBe('client_closed_request');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toBe(false);
  });

  it('rejects invalid JSON from json() with upstream_bad_response', async () => {
    routes.set('/not-json', (_request, response) => response.end('<html>'));
    const response = await transport.send(outbound('/not-json'));
    expect((await gatewayErrorFrom(response.json())).code).toBe('upstream_bad_response');
  });

  it('lets a body be consumed only once', async () => {
    routes.set('/once', (_request, response) => response.end('once'));
    const response = await transport.send(outbound('/once'));
    expect(await response.text()).toBe('once');
    expect(() => response.body[Symbol.asyncIterator]()).toThrow(GatewayError);
  });

  it('refuses to send after close()', async () => {
    await transport.close();
    expect((await gatewayErrorFrom(transport.send(outbound('/ok')))).code).toBe('internal_error');
  });
});
