/**
 * A tiny fixture-replaying upstream on 127.0.0.1, port 0. Each test says what the next response is;
 * the server records every request it receives (so tests can assert the encoded body) and replays a
 * status, headers and either a whole body or stream frames, then ends, resets or holds the connection.
 */

import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';

const FIXTURES_ROOT = new URL('../fixtures/', import.meta.url);

export type StreamEnding =
  /** Close the body normally after the last frame. */
  | 'end'
  /** Destroy the socket after the last frame: a connection reset in the middle of the body. */
  | 'reset'
  /** Keep the connection open and silent after the last frame, until the client goes away. */
  | 'hold';

export type ReplayResponse =
  | {
      readonly kind: 'body';
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly body: string;
    }
  | {
      readonly kind: 'stream';
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      /** Each frame is written separately, one event-loop turn apart, like a real upstream. */
      readonly frames: readonly string[];
      readonly ending: StreamEnding;
    }
  /** Accept the request and never answer. */
  | { readonly kind: 'hang' };

export interface RecordedRequest {
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly bodyText: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly body: unknown;
  /** The client's port: two requests with the same port came over the same kept-alive connection. */
  readonly clientPort: number;
  /** Resolves when the server sees this request's socket close. */
  readonly socketClosed: Promise<void>;
}

export interface ReplayServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** The response for every request from now on (until the next call). */
  respondWith(response: ReplayResponse): void;
  readonly requests: readonly RecordedRequest[];
  /** The most recent request; fails the test when none arrived. */
  lastRequest(): RecordedRequest;
  /** Resolves when the next request has been fully received. */
  nextRequest(): Promise<RecordedRequest>;
  close(): Promise<void>;
}

export async function startReplayServer(): Promise<ReplayServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let current: ReplayResponse = { kind: 'body', status: 500, headers: {}, body: 'no fixture chosen' };
  let waiters: ((request: RecordedRequest) => void)[] = [];

  // One close promise per connection, shared by the requests a kept-alive socket carries.
  const closedBySocket = new WeakMap<Socket, Promise<void>>();
  const server = createServer((incoming, outgoing) => {
    const socketClosed = closedBySocket.get(incoming.socket) ?? Promise.resolve();
    void readBody(incoming).then((bodyText) => {
      const recorded: RecordedRequest = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        bodyText,
        body: parseJson(bodyText),
        clientPort: incoming.socket.remotePort ?? 0,
        socketClosed,
      };
      requests.push(recorded);
      const notify = waiters;
      waiters = [];
      for (const waiter of notify) waiter(recorded);
      return replay(current, incoming, outgoing);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    closedBySocket.set(socket, new Promise<void>((resolve) => socket.once('close', () => resolve())));
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    respondWith(response) {
      current = response;
    },
    requests,
    lastRequest() {
      const last = requests.at(-1);
      if (last === undefined) throw new Error('The replay server has received no request');
      return last;
    },
    nextRequest() {
      return new Promise((resolve) => waiters.push(resolve));
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function replay(
  response: ReplayResponse,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  switch (response.kind) {
    case 'hang':
      return;
    case 'body':
      outgoing.writeHead(response.status, response.headers);
      outgoing.end(response.body);
      return;
    case 'stream':
      outgoing.writeHead(response.status, response.headers);
      for (const frame of response.frames) {
        if (outgoing.destroyed) return;
        outgoing.write(frame);
        await nextTurn();
      }
      if (response.ending === 'end') outgoing.end();
      else if (response.ending === 'reset') incoming.socket.destroy();
      return;
  }
}

function readBody(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    incoming.setEncoding('utf8');
    incoming.on('data', (piece: string) => (text += piece));
    incoming.on('end', () => resolve(text));
    incoming.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A whole-body fixture, e.g. `openai/text.json`. */
export function readFixture(folder: string, name: string): string {
  return readFileSync(new URL(`${folder}/${name}`, FIXTURES_ROOT), 'utf8');
}

/** The payload lines of a `*.chunks.txt` fixture (one upstream stream event per line). */
export function readChunkLines(folder: string, name: string): string[] {
  return readFixture(folder, name)
    .split('\n')
    .filter((line) => line.trim().length > 0);
}
