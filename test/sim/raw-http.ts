/**
 * A plain node:http client for the simulator's socket tests: it reports exactly what arrived (status,
 * headers, bytes, whether the body completed, the socket error) without any retry or parsing.
 */

import { request, type IncomingHttpHeaders } from 'node:http';

export interface RawExchange {
  readonly status: number | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The body ended as the framing said it would. */
  readonly complete: boolean;
  /** A socket-level error code or message seen by the client (ECONNRESET, aborted, …). */
  readonly error: string | undefined;
  /** Nothing more arrived within `waitMs`; the client gave up and closed the connection. */
  readonly timedOut: boolean;
  readonly headersAtMs: number | undefined;
  readonly elapsedMs: number;
}

export interface ExchangeOptions {
  readonly method?: string;
  readonly path?: string;
  readonly body?: string | object;
  readonly headers?: Readonly<Record<string, string>>;
  /** Give up after this long without completion (default 5 s). */
  readonly waitMs?: number;
}

export function exchange(baseUrl: string, options: ExchangeOptions = {}): Promise<RawExchange> {
  const path = options.path ?? '/chat/completions';
  const payload =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const startedAt = performance.now();
  return new Promise((resolve) => {
    let status: number | undefined;
    let headers: IncomingHttpHeaders = {};
    let body = '';
    let headersAtMs: number | undefined;
    let settled = false;
    const finish = (complete: boolean, error: string | undefined, timedOut = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        status,
        headers,
        body,
        complete,
        error,
        timedOut,
        headersAtMs,
        elapsedMs: performance.now() - startedAt,
      });
    };
    const outgoing = request(`${baseUrl}${path}`, {
      method: options.method ?? (payload === undefined ? 'GET' : 'POST'),
      agent: false,
      headers: { 'content-type': 'application/json', ...options.headers },
    });
    const timer = setTimeout(() => {
      finish(false, undefined, true);
      outgoing.destroy();
    }, options.waitMs ?? 5_000);
    outgoing.on('response', (incoming) => {
      status = incoming.statusCode;
      headers = incoming.headers;
      headersAtMs = performance.now() - startedAt;
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => {
        body += chunk;
      });
      incoming.on('error', (error: NodeJS.ErrnoException) => finish(false, error.code ?? error.message));
      incoming.on('close', () => finish(incoming.complete, incoming.complete ? undefined : 'aborted'));
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => finish(false, error.code ?? error.message));
    outgoing.end(payload);
  });
}

/** The `data:` payloads of an SSE body, in order. */
export function sseData(body: string): string[] {
  return body
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice('data: '.length));
}

export function parseJson(text: string): unknown {
  return JSON.parse(text) as unknown;
}
